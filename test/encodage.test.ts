// The home-made encoding of step 11, unit by unit: the step files' own functions (read from their text, not
// run) and the checker's copy in scripts/frames.ts agree on every byte, and a frame survives every cut.
import { describe, expect, it } from 'vitest';
import * as scripts from '../scripts/frames.ts';
import { stepFunctions } from './step-functions.ts';

type Frame = { type: number; payload: Buffer };
interface Codec {
  encodeLength(length: number): Buffer;
  encodeFrame(type: number, payload: Buffer): Buffer;
  readLength(bytes: Buffer, at: number): { length: number; start: number } | undefined;
  framesOf(socket: AsyncIterable<Buffer>): AsyncGenerator<Frame>;
  decodeRelay?(payload: Buffer): [string, string];
}
const NAMES = ['encodeLength', 'encodeFrame', 'readLength', 'framesOf', 'MAX_FRAME', 'decodeRelay'];

/** The checker's FrameReader behind the same interface as the step files' framesOf. */
async function* scriptsFramesOf(chunks: AsyncIterable<Buffer>): AsyncGenerator<Frame> {
  const reader = new scripts.FrameReader(2 * 1024 * 1024);
  let given = 0;
  for await (const chunk of chunks) {
    reader.push(chunk);
    if (reader.error !== undefined) throw new scripts.FrameError(reader.error);
    yield* reader.frames.slice(given);
    given = reader.frames.length;
  }
  if (reader.partial > 0) throw new scripts.FrameError('the connection ended in the middle of a frame');
}

const codecs: [string, Codec][] = [
  ['chat_server_iii_5.ts', stepFunctions<Codec>('chat_server_iii_5.ts', NAMES.slice(0, 5))],
  ['chat_client_iii_5.ts', stepFunctions<Codec>('chat_client_iii_5.ts', NAMES)],
  ['scripts/frames.ts', { ...scripts, framesOf: scriptsFramesOf, decodeRelay: undefined }],
];

async function* reads(...chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk;
}

async function collect(frames: AsyncGenerator<Frame>): Promise<{ type: number; text: string }[]> {
  const all = [];
  for await (const { type, payload } of frames) all.push({ type, text: payload.toString() });
  return all;
}

/** A long-form header for a short payload: readers accept it, and every byte of that form can be cut. */
function longForm(type: number, payload: string): Buffer {
  const header = Buffer.from([type, 0xff, 0xff, 4, 0, 0, 0, 0]);
  header.writeUInt32BE(Buffer.byteLength(payload), 4);
  return Buffer.concat([header, Buffer.from(payload)]);
}

describe.each(codecs)('%s', (_name, codec) => {
  it('writes a length in 2 bytes under 0xFFFF, as 0xFFFF + 4 + 4 bytes from 0xFFFF on', () => {
    expect([...codec.encodeLength(0)]).toEqual([0, 0]);
    expect([...codec.encodeLength(300)]).toEqual([1, 44]);
    expect([...codec.encodeLength(0xfffe)]).toEqual([0xff, 0xfe]);
    expect([...codec.encodeLength(0xffff)]).toEqual([0xff, 0xff, 4, 0, 0, 0xff, 0xff]);
    expect([...codec.encodeLength(1_000_000)]).toEqual([0xff, 0xff, 4, 0, 0x0f, 0x42, 0x40]);
  });

  it('frames a type, the length, the payload; and reads back exactly what was written', async () => {
    expect([...codec.encodeFrame(2, Buffer.from('é\n'))]).toEqual([2, 0, 3, 0xc3, 0xa9, 10]);
    for (const size of [0, 1, 0xfffe, 0xffff, 0x10000, 1_000_000]) {
      const payload = Buffer.alloc(size, 'a\n');
      const frame = codec.encodeFrame(3, payload);
      const [read] = await collect(codec.framesOf(reads(frame)));
      expect(read?.type).toBe(3);
      expect(read?.text.length).toBe(size);
      expect(codec.readLength(frame, 1)?.length).toBe(size);
    }
  });

  it('reads a frame cut at every byte, in two reads, and one byte per read', async () => {
    const stream = Buffer.concat([
      codec.encodeFrame(1, Buffer.from('alice')),
      codec.encodeFrame(2, Buffer.from('deux\nlignes')),
      longForm(2, 'long'),
      codec.encodeFrame(2, Buffer.alloc(0)),
    ]);
    const expected = [
      { type: 1, text: 'alice' },
      { type: 2, text: 'deux\nlignes' },
      { type: 2, text: 'long' },
      { type: 2, text: '' },
    ];
    for (let cut = 0; cut <= stream.length; cut++) {
      const frames = await collect(codec.framesOf(reads(stream.subarray(0, cut), stream.subarray(cut))));
      expect(frames, `cut at byte ${cut}`).toEqual(expected);
    }
    const bytes = [...stream].map((byte) => Buffer.of(byte));
    expect(await collect(codec.framesOf(reads(...bytes)))).toEqual(expected);
  });

  it('reads a 1 MB frame cut anywhere in its header or its payload', async () => {
    const frame = codec.encodeFrame(2, Buffer.alloc(1_000_000, 'x'));
    for (const cut of [1, 2, 3, 4, 5, 6, 7, 8, 500_000, frame.length - 1]) {
      const [read] = await collect(codec.framesOf(reads(frame.subarray(0, cut), frame.subarray(cut))));
      expect(read?.text.length, `cut at byte ${cut}`).toBe(1_000_000);
    }
  });

  it('refuses a length of length outside 1–6, an oversized header alone, a cut-off end', async () => {
    await expect(collect(codec.framesOf(reads(Buffer.from([2, 0xff, 0xff, 0]))))).rejects.toThrow(
      /length of 0 bytes/,
    );
    await expect(collect(codec.framesOf(reads(Buffer.from([2, 0xff, 0xff, 7]))))).rejects.toThrow(
      /length of 7 bytes/,
    );
    const huge = Buffer.from([2, 0xff, 0xff, 4, 0x40, 0, 0, 0]); // 1 GiB announced, nothing after
    await expect(collect(codec.framesOf(reads(huge)))).rejects.toThrow(/a frame of 1073741824 bytes/);
    const cutOff = codec.encodeFrame(2, Buffer.from('salut')).subarray(0, 5);
    await expect(collect(codec.framesOf(reads(cutOff)))).rejects.toThrow(/middle of a frame/);
  });
});

describe('the relay payload: pseudo length, pseudo, message length, message', () => {
  const client = codecs[1]![1];
  it('the client reads what the checker writes, newlines and long messages included', () => {
    expect(client.decodeRelay!(scripts.encodeRelay('alice', 'deux\nlignes'))).toEqual([
      'alice',
      'deux\nlignes',
    ]);
    const long = 'y'.repeat(70_000);
    expect(client.decodeRelay!(scripts.encodeRelay('bob', long))).toEqual(['bob', long]);
    expect(scripts.decodeRelay(scripts.encodeRelay('é', 'à')).pseudo).toBe('é');
  });

  it('a payload that is not exactly those four parts is refused', () => {
    const good = scripts.encodeRelay('alice', 'salut');
    for (const bad of [
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.of(0)]),
      Buffer.of(0),
    ]) {
      expect(() => client.decodeRelay!(bad)).toThrow(/not length, pseudo, length, message/);
      expect(() => scripts.decodeRelay(bad)).toThrow(/not length, pseudo, length, message/);
    }
  });
});
