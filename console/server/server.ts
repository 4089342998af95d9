/**
 * Serves the browser console at `/console` — its built assets and the signing API proxy — either inside
 * the local stack's API server (same origin as the API) or on its own loopback server for
 * `seedance console --api <deployed URL>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, modelCatalog } from '../../functions/core/config';
import { consoleAssets } from './assets';
import { forwardToApi, routeExists, sendJson, type ProxyOptions } from './proxy';

export const CONSOLE_PATH = '/console';

export interface ConsoleOptions extends ProxyOptions {
  /** Shown in the page's header: which API the console talks to and how it signs. */
  mode: 'local' | 'remote';
  /** The stack's configured model when known (the local stack); else the built-in default. */
  defaultModel?: string;
}

/**
 * Models offered in the compose picker: the deployment's catalog (SEEDANCE_MODELS, functions/core/video/
 * models.ts), in the default model's spelling when the list is the standard one; what each may do is
 * asked of the rules module, not restated here.
 */
function offeredModels(defaultModel: string): string[] {
  const config = loadConfig();
  const ids = modelCatalog({ seedanceModel: defaultModel, seedanceModels: config.seedanceModels }).ids();
  if (config.seedanceModels !== undefined) return ids;
  const bytePlus = defaultModel.startsWith('dreamina-');
  return ids.filter((id) => id === defaultModel || id.startsWith('dreamina-') === bytePlus);
}

/** The page may load only its own script and style, and talk to its origin and the storage it is sent to. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
    "media-src 'self' blob: http: https:; connect-src 'self' http: https:; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Routes that other parts of the roadmap add (DESIGN.md): the console uses them where the API has
 * them and says plainly where it has not. Probed again after a minute, so a deploy shows up.
 */
const FEATURE_PROBES = {
  realPersonSessions: '/real-person/sessions/rps-console-probe',
  webhooks: '/webhooks',
} as const;
const FEATURES_TTL_MS = 60_000;

async function probeFeatures(opts: ProxyOptions): Promise<Record<string, boolean | undefined>> {
  const entries = await Promise.all(
    Object.entries(FEATURE_PROBES).map(
      async ([k, path]) => [k, await routeExists(opts, 'GET', path)] as const,
    ),
  );
  return Object.fromEntries(entries);
}

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Answers `/console...` requests (returns true) and leaves every other path to the caller (false). */
export function createConsoleHandler(opts: ConsoleOptions): ConsoleHandler {
  let features: { at: number; value: Promise<Record<string, boolean | undefined>> } | undefined;
  const capabilities = () => {
    if (!features || Date.now() - features.at > FEATURES_TTL_MS)
      features = { at: Date.now(), value: probeFeatures(opts) };
    return features.value;
  };
  return async (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return false;
    const rest = path.slice(CONSOLE_PATH.length);

    if (rest.startsWith('/api/')) {
      await forwardToApi(opts, req, res, url.slice(CONSOLE_PATH.length + '/api'.length));
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: 'The console serves GET only' } });
      return true;
    }
    if (rest === '') {
      res.writeHead(308, { location: `${CONSOLE_PATH}/` });
      res.end();
      return true;
    }
    if (rest === '/info.json') {
      const apiUrl = typeof opts.apiUrl === 'function' ? opts.apiUrl() : opts.apiUrl;
      const defaultModel = opts.defaultModel ?? loadConfig({}).seedanceModel;
      sendJson(res, 200, {
        mode: opts.mode,
        api: new URL(apiUrl).origin,
        defaultModel,
        models: offeredModels(defaultModel),
      });
      return true;
    }
    if (rest === '/capabilities.json') {
      sendJson(res, 200, await capabilities());
      return true;
    }
    const name = rest === '/' ? 'index.html' : rest.slice(1);
    let assets;
    try {
      assets = await consoleAssets();
    } catch (e) {
      // A build error is the developer's to read in the terminal; the page gets no source paths.
      console.error(`console build failed: ${e instanceof Error ? e.message : String(e)}`);
      sendJson(res, 500, { error: { code: 'InternalError', message: 'The console could not be built' } });
      return true;
    }
    const asset = assets.get(name);
    if (!asset) {
      sendJson(res, 404, { error: { code: 'NotFound', message: `No console file ${name}` } });
      return true;
    }
    res.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': String(asset.body.length),
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}

export interface ConsoleServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The console on its own loopback server (`seedance console`); `/` leads to it. */
export async function startConsoleServer(
  opts: ConsoleOptions & { host?: string; port?: number },
): Promise<ConsoleServer> {
  const handle = createConsoleHandler(opts);
  const server = createServer((req, res) => {
    handle(req, res)
      .then((done) => {
        if (done) return;
        if ((req.url ?? '/').split('?')[0] === '/') {
          res.writeHead(302, { location: `${CONSOLE_PATH}/` });
          res.end();
        } else sendJson(res, 404, { error: { code: 'NotFound', message: 'Not found' } });
      })
      .catch(() => {
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: 'InternalError', message: 'Internal error' } });
        else res.destroy();
      });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}${CONSOLE_PATH}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
