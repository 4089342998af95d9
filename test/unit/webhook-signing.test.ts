// Our Standard Webhooks signer, checked by the `standardwebhooks` library as a receiver would use it,
// and the retry schedule.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { afterAttempt, RETRY_DELAYS_SECONDS } from '../../functions/core/webhooks/schedule';
import { newEndpointSecret, signWebhook, webhookId } from '../../functions/core/webhooks/signing';

const body = JSON.stringify({ id: 'evt_0123', type: 'video.succeeded', data: { id: 'vid-1' } });

describe('Standard Webhooks signing', () => {
  it('is verified by the standardwebhooks library with the endpoint secret', () => {
    // Prepare
    const secret = newEndpointSecret();
    // Act
    const headers = signWebhook(webhookId('evt_0123', 'wh_1'), body, [secret]);
    // Assess
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
  });

  it('is refused for another secret, a changed body or an old timestamp', () => {
    // Prepare
    const secret = newEndpointSecret();
    const headers = signWebhook('msg_1', body, [secret]);
    const old = signWebhook('msg_1', body, [secret], new Date(Date.now() - 10 * 60_000));
    // Assess
    expect(() => new Webhook(newEndpointSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('vid-1', 'vid-2'), { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...old })).toThrow();
  });

  it('signs with both secrets while one is rotated out, so either verifies', () => {
    // Prepare
    const [current, previous] = [newEndpointSecret(), newEndpointSecret()];
    // Act
    const headers = signWebhook('msg_2', body, [current, previous]);
    // Assess
    expect(new Webhook(current).verify(body, { ...headers })).toBeDefined();
    expect(new Webhook(previous).verify(body, { ...headers })).toBeDefined();
  });

  it('derives one webhook-id per event and endpoint, stable across retries and replays', () => {
    // Assess
    expect(webhookId('evt_a', 'wh_1')).toBe(webhookId('evt_a', 'wh_1'));
    expect(webhookId('evt_a', 'wh_1')).not.toBe(webhookId('evt_a', 'wh_2'));
    expect(webhookId('evt_a', 'wh_1')).not.toBe(webhookId('evt_b', 'wh_1'));
    expect(webhookId('evt_a', 'wh_1')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});

describe('webhook retry schedule', () => {
  const fail = { kind: 'answered' as const, status: 503 };

  it('follows now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h within ±10 %, then dead-letters', () => {
    // Act
    const low = RETRY_DELAYS_SECONDS.slice(1).map((_, i) => afterAttempt(i, fail, () => 0));
    const high = RETRY_DELAYS_SECONDS.slice(1).map((_, i) => afterAttempt(i, fail, () => 0.999999));
    const last = afterAttempt(RETRY_DELAYS_SECONDS.length - 1, fail);
    // Assess
    expect(RETRY_DELAYS_SECONDS).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    for (const [i, s] of [...low, ...high].entries()) {
      const n = (i % low.length) + 1;
      const base = RETRY_DELAYS_SECONDS[n] ?? 0;
      expect(s).toMatchObject({ action: 'retry', attempt: n });
      const delay = s.action === 'retry' ? s.delaySeconds : -1;
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
      expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.1));
    }
    expect(low[2]).toEqual({ action: 'retry', attempt: 3, delaySeconds: 1620 });
    expect(high[2]).toEqual({ action: 'retry', attempt: 3, delaySeconds: 1980 });
    expect(last).toEqual({ action: 'dead-letter', reason: 'HTTP 503' });
  });

  it('honours a longer Retry-After, disables on 410, stops on 2xx, retries a redirect or a refusal', () => {
    // Assess
    expect(afterAttempt(0, { kind: 'answered', status: 429, retryAfterSeconds: 600 }, () => 0.5)).toEqual({
      action: 'retry',
      attempt: 1,
      delaySeconds: 600,
    });
    expect(
      afterAttempt(3, { kind: 'answered', status: 429, retryAfterSeconds: 10 }, () => 0.5),
    ).toMatchObject({
      delaySeconds: 7200,
    });
    expect(afterAttempt(2, { kind: 'answered', status: 410 })).toEqual({ action: 'disable-endpoint' });
    expect(afterAttempt(2, { kind: 'answered', status: 204 })).toEqual({ action: 'done' });
    expect(afterAttempt(0, { kind: 'answered', status: 302 }, () => 0.5)).toMatchObject({ action: 'retry' });
    expect(afterAttempt(9, { kind: 'refused', reason: 'forbidden-address' })).toEqual({
      action: 'dead-letter',
      reason: 'forbidden-address',
    });
  });
});
