// Small test pictures for step 12 (images), made in memory: the demo's smiley (`node --import tsx
// scripts/images.ts out.png` writes it), and PNG/JPEG files for the checker and the tests.
import { writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { runMain } from './cli.ts';

/** RGBA pixels of a yellow smiley on a transparent background, `width` × `height`. */
export function smileyPixels(width = 64, height = 32): { width: number; height: number; data: Buffer } {
  const data = Buffer.alloc(width * height * 4);
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width / 2, height) * 0.95; // a circle once shown in characters twice as high as wide
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - cx) / r;
      const dy = ((y + 0.5 - cy) * 2) / r;
      const d = Math.hypot(dx, dy);
      const eye = Math.hypot(Math.abs(dx) - 0.35, dy + 0.3) < 0.14;
      const smile = dy > 0.15 && Math.abs(Math.hypot(dx, dy) - 0.55) < 0.09;
      const i = (y * width + x) * 4;
      if (d > 1) continue; // transparent
      const [red, green, blue] = eye || smile ? [40, 30, 0] : d > 0.93 ? [200, 150, 0] : [255, 220, 40];
      data.set([red, green, blue, 255], i);
    }
  }
  return { width, height, data };
}

export function smileyPng(width = 64, height = 32): Buffer {
  const png = new PNG({ width, height });
  smileyPixels(width, height).data.copy(png.data);
  return PNG.sync.write(png);
}

export function smileyJpeg(width = 64, height = 32): Buffer {
  return jpeg.encode(smileyPixels(width, height), 90).data;
}

/** A valid PNG over `bytes` bytes: the smiley with a private chunk of padding (decoders skip it). */
export function bigPng(bytes: number): Buffer {
  const png = smileyPng();
  const type = Buffer.from('paDd'); // lowercase first letter: ancillary, safe to ignore
  const data = Buffer.alloc(bytes, 'x');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([type, data])));
  const end = png.length - 12; // the IEND chunk
  return Buffer.concat([png.subarray(0, end), head, type, data, crc, png.subarray(end)]);
}

if (import.meta.filename === process.argv[1]) {
  runMain(async () => {
    const out = process.argv[2];
    if (!out) throw new Error('usage: node --import tsx scripts/images.ts <out.png>');
    writeFileSync(out, smileyPng());
    return 0;
  });
}
