// Shared setup of the group/asset handler tests: the upstream simulator on loopback, the credentials
// secret mocked with aws-sdk-client-mock, and the handlers imported after the environment is set
// (they read their config at module scope, as in Lambda).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim';
import type { ApiLambda } from '../../functions/shared/api';
import { apiEvent, lambdaContext, parseResult, type EventInit, type ParsedResult } from './api-event';

export const MANAGED_TAG = 'test-stack';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:seedance-AbCdEf';

export interface Harness {
  sim: Simulator;
  call(route: RouteName, init?: EventInit): Promise<ParsedResult>;
  raw(route: RouteName, init?: EventInit): Promise<APIGatewayProxyResult>;
  close(): Promise<void>;
}

const MODULES = {
  createGroup: () => import('../../functions/api/create-group'),
  listGroups: () => import('../../functions/api/list-groups'),
  getGroup: () => import('../../functions/api/get-group'),
  deleteGroup: () => import('../../functions/api/delete-group'),
  listGroupAssets: () => import('../../functions/api/list-group-assets'),
  adoptAsset: () => import('../../functions/api/adopt-asset'),
  getAsset: () => import('../../functions/api/get-asset'),
  deleteAsset: () => import('../../functions/api/delete-asset'),
};
export type RouteName = keyof typeof MODULES;

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const sim = await startSimulator({
    port: 0,
    quiet: true,
    timeScale: 0.001,
    assetDelayMs: [10, 20],
    // Handler semantics, not quotas: the most generous tier (test/sim covers the limits).
    tier: 'premium',
  });
  Object.assign(process.env, {
    VOLC_ENDPOINT: sim.url,
    SEEDANCE_API_BASE: `${sim.url}/seedance`,
    CREDENTIALS_SECRET_ID: SECRET_ARN,
    MANAGED_GROUP_TAG: MANAGED_TAG,
    UPSTREAM_TIMEOUT_MS: '1500',
    ...env,
  });
  const secrets = mockClient(SecretsManagerClient);
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SIM_DEFAULT_CREDENTIALS) });
  const handlers = {} as Record<RouteName, ApiLambda>;
  for (const [name, load] of Object.entries(MODULES)) handlers[name as RouteName] = (await load()).handler;
  const raw = (route: RouteName, init: EventInit = {}) => handlers[route](apiEvent(init), lambdaContext());
  return {
    sim,
    raw,
    call: async (route, init) => parseResult(await raw(route, init)),
    close: async () => {
      secrets.restore();
      await sim.close();
    },
  };
}

/** Creates a group straight on the simulator's API through the handler and returns its ID. */
export async function createGroup(h: Harness, name: string, description?: string): Promise<string> {
  const res = await h.call('createGroup', { method: 'POST', body: { name, description } });
  if (res.status !== 201) throw new Error(`createGroup answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { groupId: string }).groupId;
}

/** A loopback server handing out the avatar fixture, as S3 would for CreateAsset's presigned GET. */
export async function startImageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const { readFileSync } = await import('node:fs');
  const png = readFileSync(new URL('../fixtures/sim/avatar.png', import.meta.url));
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    res.end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/avatar.png?X-Amz-Signature=deadbeefcafe&X-Amz-Expires=900`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A client on the simulator with the demo credentials, for arranging upstream state. */
export async function upstreamClient(h: Harness) {
  const { AssetsClient } = await import('../../functions/core/volcengine');
  const { SIM_DEFAULT_CREDENTIALS: creds } = await import('../../local/upstream-sim');
  return new AssetsClient({
    endpoint: h.sim.url,
    region: 'cn-beijing',
    projectName: 'default',
    credentials: creds,
  });
}

/** Creates an asset from `imageUrl` and waits until upstream settles it (Active or Failed). */
export async function createSettledAsset(h: Harness, groupId: string, imageUrl: string): Promise<string> {
  const client = await upstreamClient(h);
  const { id } = await client.createAsset({ groupId, url: imageUrl, assetType: 'Image', name: 'avatar' });
  for (let i = 0; i < 200; i++) {
    const a = await client.getAsset(id);
    if (a.status !== 'Processing') return id;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`asset ${id} never settled`);
}
