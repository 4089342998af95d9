import { describe, expect, it } from 'vitest';
import { redact, redactString, registerSecret } from '../../functions/core/redact';

describe('redact', () => {
  it('removes presigned query strings but keeps the path', () => {
    const s = redactString(
      'got https://b.s3.amazonaws.com/k.png?X-Amz-Signature=abc&X-Amz-Credential=AK done',
    );
    expect(s).toBe('got https://b.s3.amazonaws.com/k.png?[redacted] done');
  });

  it('masks bearer tokens, signatures and registered secrets', () => {
    registerSecret('SECRET-KEY-123');
    const s = redactString('Bearer sk-abc.def Signature=deadbeef uses SECRET-KEY-123');
    expect(s).not.toMatch(/sk-abc|deadbeef|SECRET-KEY-123/);
  });

  it('masks sensitive keys deeply but keeps asset URIs', () => {
    const out = redact({ a: { authorization: 'x', url: 'https://x/y', ref: { url: 'asset://asset-1' } } });
    expect(out).toEqual({
      a: { authorization: '[redacted]', url: '[redacted]', ref: { url: 'asset://asset-1' } },
    });
  });
});
