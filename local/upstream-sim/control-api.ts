/**
 * `/_sim/*`: the SimControl surface over HTTP (JSON), for a simulator started as a separate process
 * (`npm run sim`). No authentication: the simulator listens on loopback and holds only demo data.
 *
 *   GET    /_sim/health                     {ok, url}
 *   GET    /_sim/options   PATCH|POST       effective options / update(Partial<SimOptions>)
 *   GET    /_sim/counters  DELETE           counters / resetCounters()  (POST /_sim/counters/reset too)
 *   GET    /_sim/fault-counts               faultCounts() (reset with the counters)
 *   GET    /_sim/rate-stats                 rateStats(): accepted / throttled / densest minute (reset with the counters)
 *   GET    /_sim/faults    PUT|POST DELETE  rules / setFaults(FaultRule[] | {rules}) / clearFaults()
 *   GET|PUT|POST /_sim/asset-failure        {code: string | null}
 *   GET|PUT|POST /_sim/task-outcome         {status, code?, message?} | null
 *   GET    /_sim/assets | /_sim/groups | /_sim/tasks   snapshots
 *   GET    /_sim/task-requests             each live task's create request (model, content, extras)
 *   GET    /_sim/usage                     what was charged: one line per succeeded task, and totals
 *   GET    /_sim/visual-validate           liveness sessions (no tokens)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readBody, sendJson } from './http';
import type { SimState } from './sim-state';
import type { FaultRule, SimOptions, TaskOutcome } from './types';

const bad = (res: ServerResponse, message: string) =>
  sendJson(res, 400, { error: { code: 'BadRequest', message } });

export async function handleControl(
  state: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  let body: unknown;
  try {
    body = parseJson(await readBody(req));
  } catch {
    bad(res, 'body is not valid JSON');
    return;
  }
  const write = method === 'PUT' || method === 'POST' || method === 'PATCH';
  try {
    switch (path) {
      case '/_sim/health':
        return sendJson(res, 200, { ok: true, url: state.baseUrl() });
      case '/_sim/options':
        if (write) state.update((body ?? {}) as Partial<SimOptions>);
        return sendJson(res, 200, redactOptions(state));
      case '/_sim/counters':
        if (method === 'DELETE') state.resetCounters();
        return sendJson(res, 200, state.counters());
      case '/_sim/fault-counts':
        return sendJson(res, 200, state.faultCounts());
      case '/_sim/rate-stats':
        return sendJson(res, 200, state.rateStats());
      case '/_sim/counters/reset':
        state.resetCounters();
        return sendJson(res, 200, state.counters());
      case '/_sim/faults':
        if (method === 'DELETE') state.clearFaults();
        else if (write) {
          const rules = Array.isArray(body) ? body : (body as { rules?: unknown } | undefined)?.rules;
          state.setFaults(rules as FaultRule[]);
        }
        return sendJson(res, 200, state.faults.list());
      case '/_sim/asset-failure':
        if (write || method === 'DELETE') {
          const code = method === 'DELETE' ? null : ((body as { code?: unknown } | undefined)?.code ?? null);
          if (code !== null && typeof code !== 'string') return bad(res, 'code must be a string or null');
          state.forceAssetFailure(code);
        }
        return sendJson(res, 200, { code: state.forced().assetFailure });
      case '/_sim/task-outcome':
        if (write || method === 'DELETE')
          state.forceTaskOutcome(method === 'DELETE' ? null : ((body ?? null) as TaskOutcome | null));
        return sendJson(res, 200, state.forced().taskOutcome);
      case '/_sim/assets':
        return sendJson(res, 200, state.assets());
      case '/_sim/groups':
        return sendJson(res, 200, state.groups());
      case '/_sim/tasks':
        return sendJson(res, 200, state.tasks());
      case '/_sim/task-requests':
        return sendJson(res, 200, state.taskRequests());
      case '/_sim/usage': {
        const tasks = state.usage();
        const sum = (k: string) => tasks.reduce((n, t) => n + Number(t[k] ?? 0), 0);
        return sendJson(res, 200, {
          tasks,
          total: {
            tasks: tasks.length,
            completion_tokens: sum('completion_tokens'),
            total_tokens: sum('total_tokens'),
          },
        });
      }
      case '/_sim/visual-validate':
        return sendJson(res, 200, state.visualValidateSessions());
      default:
        return sendJson(res, 404, { error: { code: 'NotFound', message: `No control route ${path}` } });
    }
  } catch (e) {
    bad(res, e instanceof Error ? e.message : String(e));
  }
}

/** Options without the secret key and token: the control endpoint must not hand out secrets. */
function redactOptions(state: SimState): unknown {
  const o = state.options();
  return {
    ...o,
    credentials: {
      accessKeyId: o.credentials.accessKeyId,
      secretAccessKey: '***',
      apiToken: '***',
      ...(o.credentials.sessionToken ? { sessionToken: '***' } : {}),
    },
  };
}
