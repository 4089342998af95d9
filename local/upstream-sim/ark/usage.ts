/**
 * What upstream bills a finished task, as the vendor's formula and integrators' live figures give it:
 * tokens = width × height × frames / 1024, where the frames are 24 per second of output and of
 * reference video, plus one (UPSTREAM.md §2 "Usage"). The live figures this reproduces: 720p 16:9, 4 s,
 * text only → 87,300; 720p, 5 s → 108,900; 720p, 4 s with a 4 s reference video → 173,700.
 * The vendor's minimum for requests with video input (a table by resolution and duration, not published
 * as a formula) is not modelled.
 */

/** Output sizes of Seedance 2.0 per resolution and ratio (the vendor's table; 4k is our guess). */
export const OUTPUT_SIZES: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {
  '480p': {
    '16:9': [864, 496],
    '4:3': [752, 560],
    '1:1': [640, 640],
    '3:4': [560, 752],
    '9:16': [496, 864],
    '21:9': [992, 432],
  },
  '720p': {
    '16:9': [1280, 720],
    '4:3': [1112, 834],
    '1:1': [960, 960],
    '3:4': [834, 1112],
    '9:16': [720, 1280],
    '21:9': [1470, 630],
  },
  '1080p': {
    '16:9': [1920, 1080],
    '4:3': [1664, 1248],
    '1:1': [1440, 1440],
    '3:4': [1248, 1664],
    '9:16': [1080, 1920],
    '21:9': [2206, 946],
  },
  '4k': {
    '16:9': [3840, 2160],
    '4:3': [3328, 2496],
    '1:1': [2880, 2880],
    '3:4': [2496, 3328],
    '9:16': [2160, 3840],
    '21:9': [4412, 1892],
  },
};

export const FPS = 24;

export interface BilledTask {
  resolution: string;
  ratio: string;
  /** Output seconds. */
  duration: number;
  /** Seconds of reference video the request carried (known for library assets). */
  videoInputSeconds: number;
}

export function taskTokens(t: BilledTask): number {
  const [w, h] = OUTPUT_SIZES[t.resolution]?.[t.ratio] ?? OUTPUT_SIZES['720p']!['16:9']!;
  const frames = (t.duration + t.videoInputSeconds) * FPS + 1;
  return Math.floor((w * h * frames) / 1024);
}
