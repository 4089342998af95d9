import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/core/config';
import { MEDIA_LIMIT_SETS } from '../../functions/core/media';

const MB = 1024 * 1024;

describe('media limits in the configuration', () => {
  it('defaults to the newer published figures', () => {
    const { mediaRules } = loadConfig({});
    expect(mediaRules).toEqual(MEDIA_LIMIT_SETS['2026-09']);
    expect(mediaRules.video).toMatchObject({ maxBytes: 200 * MB, maxSeconds: 30, minFps: 24, maxFps: 60 });
    expect(mediaRules.audio).toMatchObject({ maxBytes: 15 * MB, minSeconds: 2, maxSeconds: 30 });
  });

  it('takes the 2026-03 preview set by name', () => {
    const { mediaRules } = loadConfig({ MEDIA_LIMITS: '2026-03' });
    expect(mediaRules.video).toMatchObject({ maxBytes: 50 * MB, maxSeconds: 15, maxPixels: 921_600 });
    expect(mediaRules.audio.maxSeconds).toBe(15);
  });

  it('lets single settings override the chosen set', () => {
    const { mediaRules } = loadConfig({
      MEDIA_LIMITS: '2026-03',
      VIDEO_MAX_SECONDS: '20',
      MAX_AUDIO_BYTES: String(10 * MB),
      VIDEO_MIN_FPS: '23.976',
      VIDEO_AUDIO_TRACK: 'forbidden',
    });
    expect(mediaRules.video).toMatchObject({
      maxSeconds: 20,
      maxBytes: 50 * MB,
      minFps: 23.976,
      audioTrack: 'forbidden',
    });
    expect(mediaRules.audio.maxBytes).toBe(10 * MB);
  });

  it.each([
    ['MEDIA_LIMITS', '2027-01'],
    ['VIDEO_MAX_SECONDS', 'thirty'],
    ['MAX_VIDEO_BYTES', '-1'],
    ['VIDEO_AUDIO_TRACK', 'maybe'],
  ])('refuses %s=%s naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
