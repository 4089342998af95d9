// Acceptance: plain `curl --aws-sigv4` works against the local stack for every route of the REST
// contract, with the real handlers behind it (the simulator as upstream).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/routes';
import { startLocalStack, type LocalStack } from '../../local/start';

const run = promisify(execFile);
const DEV = { accessKeyId: 'AKIDCURLTEST', secretAccessKey: 'curl-test-secret' };
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    timeScale: 0.01,
    credentials: DEV,
    upstream: 'sim',
    env: {},
    simulator: { tier: 'basic' },
  });
});
afterAll(async () => {
  await stack.close();
});

async function curl(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const args = ['--silent', '--show-error', '--aws-sigv4', 'aws:amz:us-east-1:execute-api'];
  args.push(
    '--user',
    `${DEV.accessKeyId}:${DEV.secretAccessKey}`,
    '--request',
    method,
    '--write-out',
    '\n%{http_code}',
  );
  if (body !== undefined)
    args.push('--header', 'content-type: application/json', '--data', JSON.stringify(body));
  const { stdout } = await run('curl', [...args, `${stack.apiUrl}${path}`]);
  const lines = stdout.split('\n');
  const status = Number(lines.pop());
  const text = lines.join('\n');
  // The public real-person callback answers an HTML page, every other route JSON.
  const html = text.startsWith('<!doctype html>');
  return { status, json: text && !html ? (JSON.parse(text) as unknown) : text || undefined };
}

describe('curl --aws-sigv4 against the local stack', () => {
  it('reaches every route of the REST contract', async () => {
    // Prepare
    const seen = new Map<string, number>();
    const call = async (name: string, method: string, path: string, body?: unknown) => {
      const res = await curl(method, path, body);
      seen.set(name, res.status);
      return res;
    };

    // Act
    const group = (await call('createGroup', 'POST', '/groups', { name: 'curl-group' })).json as {
      groupId: string;
    };
    const g = encodeURIComponent(group.groupId);
    await call('listGroups', 'GET', '/groups?pageSize=5');
    await call('getGroup', 'GET', `/groups/${g}`);
    const upload = (
      await call('createUpload', 'POST', `/groups/${g}/uploads`, {
        fileName: 'face.png',
        contentType: 'image/png',
        contentLength: 4096,
      })
    ).json as { uploadId?: string };
    await call('getUpload', 'GET', `/groups/${g}/uploads/${upload.uploadId ?? 'none'}`);
    await call('listGroupAssets', 'GET', `/groups/${g}/assets`);
    await call('adoptAsset', 'POST', '/assets', { assetId: 'asset-20260101000000-nope' });
    await call('getAsset', 'GET', '/assets/asset-20260101000000-nope');
    await call('deleteAsset', 'DELETE', '/assets/asset-20260101000000-nope');
    const video = (await call('createVideo', 'POST', '/videos', { prompt: 'a lighthouse at dawn, slow pan' }))
      .json as { videoId: string };
    await call('listVideos', 'GET', '/videos');
    await call('getVideo', 'GET', `/videos/${video.videoId}`);
    await call('cancelVideo', 'DELETE', `/videos/${video.videoId}`);
    await call('getUsage', 'GET', '/usage?groupBy=model');
    // The public callback route (signed by curl here too; it needs no signature and checks its own).
    await call('arkCallback', 'POST', `/callbacks/ark/${video.videoId}?sig=forged`, { status: 'succeeded' });
    await call('deleteGroup', 'DELETE', `/groups/${g}`);
    const session = (await call('createRealPersonSession', 'POST', '/real-person/sessions', { name: 'curl' }))
      .json as { sessionId: string };
    await call('getRealPersonSession', 'GET', `/real-person/sessions/${session.sessionId}`);
    // A callback without a genuine state: the public page, refusing it (400), signed or not.
    await call('realPersonCallback', 'GET', '/real-person/callback?state=forged');
    // Webhooks (a loopback receiver nobody listens on: the local stack allows loopback).
    const hook = (await call('createWebhook', 'POST', '/webhooks', { url: 'http://127.0.0.1:9/hook' }))
      .json as {
      id: string;
    };
    await call('listWebhooks', 'GET', '/webhooks');
    await call('getWebhook', 'GET', `/webhooks/${hook.id}`);
    await call('rotateWebhookSecret', 'POST', `/webhooks/${hook.id}/rotate-secret`);
    await call('replayWebhook', 'POST', `/webhooks/${hook.id}/replay`, { from: '2026-01-01T00:00:00Z' });
    await call('deleteWebhook', 'DELETE', `/webhooks/${hook.id}`);

    // Assess
    expect([...seen.keys()].sort()).toEqual(routes.map((r) => r.name).sort());
    expect(Object.fromEntries(seen)).toMatchObject({
      createGroup: 201,
      listGroups: 200,
      getGroup: 200,
      createUpload: 201,
      getUpload: 200,
      listGroupAssets: 200,
      createVideo: 202,
      listVideos: 200,
      getVideo: 200,
      getUsage: 200,
      deleteGroup: 204,
      createRealPersonSession: 201,
      getRealPersonSession: 200,
      realPersonCallback: 400,
      arkCallback: 200,
      createWebhook: 201,
      listWebhooks: 200,
      getWebhook: 200,
      rotateWebhookSecret: 200,
      replayWebhook: 202,
      deleteWebhook: 204,
    });
    for (const [name, status] of seen) {
      expect({ name, ok: status !== 403 && status < 500 }).toEqual({ name, ok: true });
    }
  });
});
