import { describe, expect, it } from 'vitest';
import { Logger } from '../../functions/shared/logger';

function capture(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const logger = new Logger('test', 'debug', (line) => out.push(line));
  return { logger, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Logger', () => {
  it('writes one JSON line with level, service, message, context and extra keys', () => {
    // Prepare
    const { logger, lines } = capture();
    logger.setContext({ requestId: 'r-1' });
    // Act
    logger.info('hello', { n: 1 });
    // Assess
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', service: 'test', message: 'hello', requestId: 'r-1', n: 1 }),
    ]);
  });

  it('drops lines below its level', () => {
    // Prepare
    const out: string[] = [];
    const logger = new Logger('test', 'warn', (line) => out.push(line));
    // Act
    logger.info('quiet');
    logger.warn('loud');
    // Assess
    expect(out).toHaveLength(1);
  });

  it('redacts secrets and presigned URLs in every line', () => {
    // Prepare
    const { logger, lines } = capture();
    // Act
    logger.error('failed', {
      authorization: 'HMAC-SHA256 Credential=AK/x, Signature=abc',
      at: 'https://b/k?X-Amz-Signature=s',
    });
    // Assess
    expect(JSON.stringify(lines())).not.toMatch(/Signature=abc|X-Amz-Signature=s/);
  });

  it('keeps the context of concurrent isolated invocations apart', async () => {
    // Prepare
    const { logger, lines } = capture();
    const invocation = (id: string) =>
      logger.isolate(async () => {
        logger.setContext({ uploadId: id });
        await tick();
        logger.appendKeys({ step: `step-${id}` });
        await tick();
        logger.info('done');
      });
    // Act
    await Promise.all([invocation('a'), invocation('b'), invocation('c')]);
    logger.info('outside');
    // Assess
    const byId = Object.fromEntries(lines().map((l) => [l.uploadId ?? 'none', l.step]));
    expect(byId).toEqual({ a: 'step-a', b: 'step-b', c: 'step-c', none: undefined });
  });
});
