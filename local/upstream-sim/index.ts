/**
 * The upstream simulator: a local stand-in for the Volcengine asset library (signed OpenAPI) and the
 * Seedance task API, faithful to ../../../shared/UPSTREAM.md, on one loopback HTTP server.
 *
 *   const sim = await startSimulator({ port: 0, timeScale: 0.001 });
 *   // Volcengine endpoint: sim.url   Seedance base: `${sim.url}/seedance`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './server';
import { SimState } from './sim-state';
import type { SimOptions, Simulator } from './types';

export {
  SIM_DEFAULT_CREDENTIALS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_MODELS,
  DEFAULT_TASK_RATE_LIMITS,
  TIER_CREATE_ASSET_PER_MINUTE,
  SIM_TIERS,
  TASK_ACCOUNT_LIMITS,
} from './defaults';
export type {
  ActionCounter,
  FaultCounter,
  FaultKind,
  FaultRule,
  ResolvedSimOptions,
  SimControl,
  SimCredentials,
  SimOptions,
  Simulator,
  SimTier,
  TaskAccount,
  TaskOutcome,
  ThrottleMix,
  RateStat,
} from './types';

export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  const state = new SimState(opts);
  const server = createServer(createRequestHandler(state));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.opts.port, state.opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = state.opts.host.includes(':') ? `[${state.opts.host}]` : state.opts.host;
  state.listenUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: state.listenUrl,
    port,
    control: state,
    close: () =>
      (closing ??= (async () => {
        await state.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}
