import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_DEFAULT_CREDENTIALS, startSimulator, type Simulator } from '../../local/upstream-sim/index';
import { startFileServer, type FileServer } from './helpers/file-server';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./python/ingest_client.py', import.meta.url));
const avatar = readFileSync(new URL('../fixtures/sim/avatar.png', import.meta.url));

let sim: Simulator;
let files: FileServer;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, timeScale: 0.001 });
  files = await startFileServer({ '/avatar.png': { body: avatar, contentType: 'image/png' } });
});
afterAll(async () => {
  await sim.close();
  await files.close();
});

type Line = {
  step: string;
  status?: number;
  asset?: string;
  body?: { ResponseMetadata?: { Error?: { Code: string } } };
};

async function python(args: string[]): Promise<{ code: number; lines: Line[] }> {
  const base = [
    '--endpoint',
    sim.url,
    '--ak',
    SIM_DEFAULT_CREDENTIALS.accessKeyId,
    '--sk',
    SIM_DEFAULT_CREDENTIALS.secretAccessKey,
  ];
  try {
    const { stdout } = await run('python3', [script, ...base, ...args], { timeout: 20_000 });
    return {
      code: 0,
      lines: stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line),
    };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    const lines = (err.stdout ?? '')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
    return { code: err.code, lines };
  }
}

describe('independent python3 client written from the seed page', () => {
  it('runs the section 3 ingest flow to an asset:// ID', async () => {
    // Act
    const { code, lines } = await python([
      '--project',
      'py-project',
      '--image-url',
      files.url('/avatar.png'),
      '--poll-seconds',
      '0.02',
    ]);

    // Assess
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ step: 'CreateAssetGroup', status: 200 });
    expect(lines[1]).toMatchObject({ step: 'CreateAsset', status: 200 });
    const last = lines.at(-1);
    expect(last?.step).toBe('ready');
    expect(last?.asset).toMatch(/^asset:\/\/asset-\d{14}-[a-z0-9]{5}$/);
    const id = last?.asset?.slice('asset://'.length);
    expect(sim.control.assets().find((a) => a.Id === id)).toMatchObject({
      Status: 'Active',
      ProjectName: 'py-project',
    });
  });

  it('is accepted when it signs the public host name it sends, as the seed does', async () => {
    const { code, lines } = await python(['--probe', '--host', 'open.volcengineapi.com']);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ status: 200 });
  });

  it('gets SignatureDoesNotMatch when the SK is base64-decoded', async () => {
    // Act
    const { code, lines } = await python(['--probe', '--base64-sk']);

    // Assess
    expect(code).toBe(1);
    expect(lines[0]?.status).toBe(401);
    expect(lines[0]?.body?.ResponseMetadata?.Error?.Code).toBe('SignatureDoesNotMatch');
  });
});
