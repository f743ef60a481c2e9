// Step 12 (images): the client's own decoding and drawing (read from its text, not run), an image relayed
// over real TCP and shown in a real terminal (tmux) as wide as that terminal (the demo: chat-demo.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { stopAll } from '../scripts/proc.ts';
import { startChatServer } from '../scripts/chat-wire.ts';
import { FramedConnection } from '../scripts/frame-wire.ts';
import { decodeRelay, HELLO, IMAGE, IMAGE_RELAY } from '../scripts/frames.ts';
import { smileyJpeg, smileyPixels, smileyPng } from '../scripts/images.ts';
import { ROOT } from '../scripts/steps.ts';
import { stepCommand } from '../scripts/stepfile.ts';
import { stepFunctions } from './step-functions.ts';
import { openTerminal, shellWord } from './tmux.ts';

type Picture = { width: number; height: number; data: Uint8Array };
const { decodeImage, asciiArt } = stepFunctions<{
  decodeImage(bytes: Buffer): Picture | undefined;
  asciiArt(picture: Picture, columns: number): string[];
}>('chat_client_iii_6.ts', ['decodeImage', 'asciiArt', 'MAX_PIXELS', 'SHADES'], { PNG, jpeg });

const opened: FramedConnection[] = [];
afterEach(async () => {
  for (const connection of opened.splice(0)) connection.destroy();
  await stopAll();
});

describe('12 · decoding and drawing (the client file’s own functions)', () => {
  it('decodes a PNG and a JPEG; a text file, a damaged PNG and a 100,000² PNG are not images', () => {
    expect(decodeImage(smileyPng())).toMatchObject({ width: 64, height: 32 });
    expect(decodeImage(smileyJpeg())).toMatchObject({ width: 64, height: 32 });
    expect(decodeImage(Buffer.from('pas une image'))).toBeUndefined();
    expect(decodeImage(smileyPng().subarray(0, 40))).toBeUndefined();
    const bomb = smileyPng();
    bomb.writeUInt32BE(100_000, 16); // the header's width and height: 10 gigapixels announced
    bomb.writeUInt32BE(100_000, 20);
    expect(decodeImage(bomb)).toBeUndefined();
  });

  it('draws as many columns as given (at most the picture’s), rows halved for the characters', () => {
    const wide = smileyPixels(160, 40);
    const lines = asciiArt(wide, 50);
    expect(lines).toHaveLength(Math.round((40 * 50) / 160 / 2));
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(50);
    expect(asciiArt(smileyPixels(64, 32), 80)).toHaveLength(16);
    expect(Math.max(...asciiArt(smileyPixels(64, 32), 80).map((l) => l.length))).toBeLessThanOrEqual(64);
  });

  it('bright pixels become dense characters, dark or transparent ones spaces; only plain ASCII', () => {
    const pixels = (...rgba: number[]) => ({
      width: rgba.length / 4,
      height: 1,
      data: Uint8Array.from(rgba),
    });
    expect(asciiArt(pixels(255, 255, 255, 255, 0, 0, 0, 255), 2)).toEqual(['@']); // white, then black
    expect(asciiArt(pixels(0, 0, 0, 255, 255, 255, 255, 255), 2)).toEqual([' @']);
    expect(asciiArt(pixels(255, 255, 255, 0, 128, 128, 128, 255), 2)).toEqual([' =']); // transparent, grey
    const art = asciiArt(smileyPixels(64, 32), 80).join('\n');
    expect(art).toMatch(/^[ .:\-=+*#%@\n]+$/);
    expect(art).toContain('%');
  });
});

describe('12 · an image over TCP', () => {
  it('the server relays the bytes to every other client, with the pseudo; not to the sender', async () => {
    const { proc, port } = await startChatServer('chat_server_iii_6.ts');
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map(() => FramedConnection.connect(port)),
    );
    opened.push(alice!, bob!, carol!);
    for (const [connection, pseudo] of [
      [alice, 'alice'],
      [bob, 'bob'],
      [carol, 'carol'],
    ] as const) {
      connection.send(HELLO, pseudo);
      await connection.waitForShown(`Annonce : ${pseudo} a rejoint la chatroom`);
    }
    const png = smileyPng();
    alice!.send(IMAGE, png);
    for (const reader of [bob!, carol!]) {
      await reader.until(() => reader.frames.some((frame) => frame.type === IMAGE_RELAY), 'the image');
      const { pseudo, message } = decodeRelay(
        reader.frames.find((frame) => frame.type === IMAGE_RELAY)!.payload,
      );
      expect(pseudo).toBe('alice');
      expect(message.equals(png)).toBe(true);
    }
    await proc.waitFor(`Image received from 127.0.0.1:${alice!.socket.localPort} : ${png.length} octets`);
    expect(alice!.frames.some((frame) => frame.type === IMAGE_RELAY)).toBe(false);
  });

  it('in a 50-column terminal, bob sees alice’s image in 50 columns at most, under her name', async () => {
    const { port } = await startChatServer('chat_server_iii_6.ts');
    const command = ['env', 'HOST=127.0.0.1', `PORT=${port}`, ...stepCommand('chat_client_iii_6.ts')];
    const terminal = openTerminal(command.map(shellWord).join(' '), { cwd: ROOT, width: 50, height: 40 });
    await terminal.waitFor((lines) => lines.at(-1) === 'Pseudo :', 15_000);
    terminal.type('bob');
    terminal.type('Enter', { literal: false });
    await terminal.waitFor('Annonce : bob a rejoint la chatroom');
    const alice = await FramedConnection.connect(port);
    opened.push(alice);
    alice.send(HELLO, 'alice');
    await alice.waitForShown('Annonce : alice a rejoint la chatroom');
    alice.send(IMAGE, smileyPng(160, 40));
    const screen = await terminal.waitFor((lines) => lines.some((line) => line.includes('%%%%')));
    const lines = screen.split('\n').map((line) => line.trimEnd());
    const header = lines.indexOf('alice a envoyé une image :');
    expect(header).toBeGreaterThan(-1);
    const art = lines.slice(header + 1).filter((line) => /[%@#*+=:.-]/.test(line) && line !== '>');
    // 50 columns and round(40 × 50 / 160 / 2) = 6 rows; drawn for 80 columns, the lines would wrap into more
    expect(art.length).toBeGreaterThanOrEqual(4);
    expect(art.length).toBeLessThanOrEqual(6);
    expect(Math.max(...art.map((line) => line.length))).toBeGreaterThan(30); // the smiley ends at column 37
    for (const line of art) expect(line.length).toBeLessThanOrEqual(50);
    expect(lines.filter((line) => line !== '').at(-1)).toBe('>'); // the prompt is back under the picture
    terminal.kill();
  });
});
