/**
 * Makes a valid avatar PNG (a simple drawn face) for the demo and the end-to-end test, with nothing
 * but node:zlib: the project has no image-writing dependency and needs only one flat RGB picture, so a
 * 40-line PNG encoder is cheaper than adding one. 768×1024 (3:4) sits well inside the asset rules
 * (each side 300–6000 px, aspect 0.4–2.5).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

export interface AvatarOptions {
  width?: number;
  height?: number;
  /** Shirt and background tint, so several avatars can look different. */
  shirt?: Rgb;
  hair?: Rgb;
}

const SKIN: Rgb = [236, 196, 164];
const WHITE: Rgb = [250, 250, 250];
const DARK: Rgb = [40, 32, 30];
const LIPS: Rgb = [180, 70, 80];
const CHEEK: Rgb = [240, 170, 160];

const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
  ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

/** The colour of one pixel; shapes are in a 768×1024 design space scaled to the real size. */
function pixel(u: number, v: number, o: Required<AvatarOptions>): Rgb {
  const x = u * 768;
  const y = v * 1024;
  const c = 384;
  // Face features, front to back.
  for (const ex of [c - 80, c + 80]) {
    if (inEllipse(x, y, ex, 440, 14, 16)) return DARK;
    if (inEllipse(x, y, ex, 440, 38, 22)) return WHITE;
    if (y > 382 && y < 394 && Math.abs(x - ex) < 42) return o.hair;
  }
  const mouth = Math.hypot(x - c, y - 505);
  if (mouth > 68 && mouth < 80 && y > 540) return LIPS;
  if (inEllipse(x, y, c, 500, 16, 12)) return [214, 170, 140];
  for (const cx of [c - 120, c + 120]) if (inEllipse(x, y, cx, 530, 34, 20)) return CHEEK;
  // Fringe over the forehead, then the face, neck, hair behind, shoulders, background.
  if (y < 330 && inEllipse(x, y, c, 350, 205, 220)) return o.hair;
  if (inEllipse(x, y, c, 460, 180, 235)) return SKIN;
  if (Math.abs(x - c) < 70 && y > 600 && y < 800) return SKIN;
  if (inEllipse(x, y, c, 460, 215, 290) && y < 640) return o.hair;
  if (inEllipse(x, y, c, 1080, 360, 300)) return o.shirt;
  const t = v;
  return [Math.round(200 - 40 * t), Math.round(220 - 30 * t), Math.round(245 - 20 * t)];
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGB, non-interlaced PNG. */
export function makeAvatarPng(opts: AvatarOptions = {}): Buffer {
  const o: Required<AvatarOptions> = {
    width: opts.width ?? 768,
    height: opts.height ?? 1024,
    shirt: opts.shirt ?? [60, 110, 180],
    hair: opts.hair ?? [70, 45, 30],
  };
  const stride = o.width * 3 + 1;
  const raw = Buffer.alloc(stride * o.height);
  for (let y = 0; y < o.height; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < o.width; x++) {
      const [r, g, b] = pixel(x / o.width, y / o.height, o);
      const i = y * stride + 1 + x * 3;
      raw[i] = r;
      raw[i + 1] = g;
      raw[i + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function writeAvatarPng(path: string, opts: AvatarOptions = {}): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, makeAvatarPng(opts));
  return path;
}
