// `npm run step 2`'s "Mesure !" table: a script that failed gets no time, and no ratio is drawn from it.
import { describe, expect, it } from 'vitest';
import { measureLines, parseUrlList, type RunResult } from '../scripts/demos/web.ts';

const demo = {
  single: ['web_sync.ts', 'web_async.ts'],
  multiple: ['web_sync_multiple.ts', 'web_async_multiple.ts'],
};
const results = (entries: Record<string, RunResult>): Map<string, RunResult> =>
  new Map(Object.entries(entries));
const ok = (seconds: number): RunResult => ({ ok: true, seconds });

describe('the web demo\'s "Mesure !"', () => {
  it('shows every time, the ratio and the floors when all scripts succeed', () => {
    const lines = measureLines(
      demo,
      3,
      results({
        'web_sync.ts': ok(0.5),
        'web_async.ts': ok(0.4),
        'web_sync_multiple.ts': ok(2),
        'web_async_multiple.ts': ok(0.5),
      }),
      [0.2, 0.3],
    );
    expect(lines).toEqual([
      '  web_sync.ts                0.50 s   1 URL',
      '  web_async.ts               0.40 s   1 URL',
      '  web_sync_multiple.ts       2.00 s   3 URLs',
      '  web_async_multiple.ts      0.50 s   3 URLs',
      '  sync / async                 4.0×',
      '  floor, one by one          0.50 s   sum of the latencies',
      '  floor, all at once         0.30 s   the longest latency',
    ]);
  });

  it('a script that failed (it still printed its time): "—", marked failed, and no ratio', () => {
    const lines = measureLines(
      demo,
      3,
      results({
        'web_sync.ts': ok(0.5),
        'web_async.ts': ok(0.4),
        'web_sync_multiple.ts': { ok: false, seconds: 1.2 },
        'web_async_multiple.ts': ok(0.5),
      }),
    );
    expect(lines).toContain('  web_sync_multiple.ts         —      3 URLs, failed');
    expect(lines).toContain('  web_async_multiple.ts      0.50 s   3 URLs');
    expect(lines.join('\n')).not.toMatch(/1\.20|sync \/ async|floor/);
  });
});

describe('the --online URL list', () => {
  it('one URL a line, blank lines and # comments skipped, spaces trimmed', () => {
    expect(parseUrlList('# les sites\nhttps://a.example/\n\n  https://b.example/x  \r\n#fin\n')).toEqual([
      'https://a.example/',
      'https://b.example/x',
    ]);
  });
});
