// scripts/watch.ts: the text-and-waits helper under Proc, WireClient and the checker's Peer.
import { describe, expect, it } from 'vitest';
import { Watch } from '../scripts/watch.ts';

describe('Watch', () => {
  it('a wait ends as soon as its condition holds, on the change that makes it true', async () => {
    const watch = new Watch();
    const waiting = watch.wait(() => watch.text.includes('ok\n'), 10_000);
    watch.append('o');
    watch.append('k\n');
    expect(await waiting).toBe(true);
    expect(watch.text).toBe('ok\n');
  });

  it('a condition already true resolves at once; close() and notify() wake the waits too', async () => {
    const watch = new Watch();
    expect(await watch.wait(() => true, 0)).toBe(true);
    const closing = watch.wait(() => watch.closed, 10_000);
    watch.close();
    expect(await closing).toBe(true);
    let flag = false;
    const flagged = watch.wait(() => flag, 10_000);
    flag = true;
    watch.notify();
    expect(await flagged).toBe(true);
  });

  it('wait gives false at its timeout; until rejects naming what it waited for and what came', async () => {
    const watch = new Watch();
    watch.append('bonjour\n');
    expect(await watch.wait(() => false, 5)).toBe(false);
    await expect(watch.until(() => false, 'the answer', 5)).rejects.toThrow(
      /^timed out waiting for the answer; received:\nbonjour\n$/,
    );
  });
});
