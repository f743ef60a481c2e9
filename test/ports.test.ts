// freePort: a port nothing listens on, never the same one twice in a process, even when the kernel gives
// a port again right after it was closed (it does, about 15 times in 500 calls): two checks started
// together would then share it.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { freePort } from '../scripts/ports.ts';

describe('freePort', () => {
  it('hands out 500 different ports in a row, each free', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 500; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(500);
    const server = net.createServer().listen(ports.at(-1), '127.0.0.1');
    await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
    server.close();
  });
});
