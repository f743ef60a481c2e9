// The bench's own logic (scripts/bench/): percentiles, the delivery check, /proc, the command launcher, and a
// small load on our step 06 server. No figure of time is asserted: only counts and what must hold.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Receiver, messageLine } from '../scripts/bench/deliveries.ts';
import { launchServer } from '../scripts/bench/launcher.ts';
import { runLoad, serverCpu, serverFigures, together, type RunFigures } from '../scripts/bench/load.ts';
import {
  groupMembers,
  groupUsage,
  parseOpenFileLimit,
  parseRss,
  parseStat,
} from '../scripts/bench/procfs.ts';
import {
  Samples,
  kibPerClient,
  median,
  medianRun,
  memoryPerClient,
  notLowerAfterSilence,
  percentile,
  ratio,
  spread,
} from '../scripts/bench/stats.ts';
import type { BenchFile } from '../scripts/bench.ts';
import { UsageError } from '../scripts/cli.ts';
import { benchCapacity, benchCharts, benchTables } from '../scripts/docs/bench.ts';
import { startTs, stopAll } from '../scripts/proc.ts';
import { stepCommand } from '../scripts/stepfile.ts';
import { ROOT } from '../scripts/steps.ts';

afterEach(stopAll);

describe('percentiles', () => {
  it('takes the nearest rank: p50 of 1…100 is 50, p99 is 99, max is 100', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
    expect(spread(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });

  it('gives the only value for every percentile of one value, NaN for none', () => {
    expect(spread([7])).toEqual({ count: 1, p50: 7, p99: 7, max: 7 });
    expect(percentile([], 50)).toBeNaN();
  });

  it('prints ratios, and a dash when a side is missing or zero', () => {
    expect(ratio(1, 2)).toBe('0.50×');
    expect(ratio(30, 2)).toBe('15×');
    expect(ratio(1, 0)).toBe('—');
    expect(ratio(undefined, 2)).toBe('—');
  });

  it('keeps every sample as it grows', () => {
    const samples = new Samples();
    for (let i = 0; i < 5000; i++) samples.push(i);
    expect(samples.length).toBe(5000);
    expect(samples.toArray()[4999]).toBe(4999);
  });
});

describe('several runs as one', () => {
  it('takes the median of each number, however deep, and the first run for the rest', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3); // the upper middle of an even count
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
    const runs = [
      { a: 1, nested: { b: 10 }, text: 'first' },
      { a: 9, nested: { b: 30 }, text: 'second' },
      { a: 5, nested: { b: 20 }, text: 'third' },
    ];
    expect(medianRun(runs)).toEqual({ a: 5, nested: { b: 20 }, text: 'first' });
    // a figure only one run measured (the memory after the silence) is that run's
    const memory = [{ joined: 60, settled: 55 }, { joined: 64 }, { joined: 62 }];
    expect(medianRun(memory)).toEqual({ joined: 62, settled: 55 });
    expect(medianRun([{ joined: 64 }, { joined: 60, settled: 55 }, { joined: 62 }])).toEqual({
      joined: 62,
      settled: 55,
    });
  });

  it('keeps the worst of what went wrong: a loss in one run is never averaged away', () => {
    const run = (lost: number, p50: number): RunFigures =>
      ({
        latency: { count: 10, p50, p99: p50, max: p50 },
        lost,
        cut: 0,
        disorder: 0,
        echoed: 0,
        dropped: 0,
        failedJoins: 0,
      }) as unknown as RunFigures;
    const one = together([run(0, 10), run(7, 30), run(0, 20)]);
    expect(one.lost).toBe(7);
    expect(one.latency.p50).toBe(20);
  });
});

describe('the delivery check', () => {
  const line = (sender: number, seq: number) => messageLine(sender, seq, 10 + seq);
  const received = () => {
    const got: [number, number, number][] = [];
    const receiver = new Receiver(0, 'c0', (sender, seq, sent) => got.push([sender, seq, sent]));
    return { receiver, got };
  };

  it('counts whole tokens in any framing: split anywhere, glued, or behind a prefix', () => {
    const { receiver, got } = received();
    const text = `c1 a dit : ${line(1, 0)}c1 a dit : ${line(1, 1)}${line(2, 0)}`;
    for (const char of text) receiver.feed(char); // one byte at a time
    expect(got).toEqual([
      [1, 0, 10],
      [1, 1, 11],
      [2, 0, 10],
    ]);
    expect(receiver.lost([1, 2], 2)).toBe(1); // 2's second message never came
    expect(receiver.cut + receiver.disorder + receiver.echoed).toBe(0);
  });

  it.each([
    ['[m:1:0:3.]', 0, 1], // a point with no digits after it
    ['[m::0:3]', 0, 1],
    ['[m:1:0:3.5.6]', 0, 1],
    ['[m:1:0:.5]', 0, 1],
    ['[m:1:0:3:4]', 0, 1],
    ['[m:1:0]', 0, 1],
    ['[m:01:000:3.50]', 1, 0], // leading zeros are numbers all the same
    ['[m:12345678901234567890:0:3]', 1, 0],
  ])(
    'reads %s as the token pattern does: %i delivered, %i cut, then the next one whole',
    (token, whole, cut) => {
      const { receiver, got } = received();
      receiver.feed(`c1 a dit : ${token}\nc2 a dit : ${line(2, 0)}`);
      expect(receiver.delivered).toBe(whole + 1);
      expect(receiver.cut).toBe(cut);
      expect(got.at(-1)).toEqual([2, 0, 10]);
      if (whole) expect(got[0]!.slice(1)).toEqual([0, Number(token.split(':')[3]!.slice(0, -1))]);
    },
  );

  it('counts a token a relayed read cut in two as cut and lost, not as delivered', () => {
    const { receiver } = received();
    const whole = line(1, 0);
    receiver.feed(`c1 a dit : ${whole.slice(0, 7)}`);
    receiver.feed(`c1 a dit : ${whole.slice(7)}`); // the lab's Python: a prefix in the middle
    receiver.feed(`c1 a dit : ${line(1, 1)}`);
    expect(receiver.cut).toBe(1);
    expect(receiver.delivered).toBe(1);
    expect(receiver.lost([1], 2)).toBe(1);
  });

  it('counts a token whose end never comes as cut once more text follows', () => {
    const { receiver } = received();
    receiver.feed(`[m:1:0:12.5${'x'.repeat(100)}\n${line(1, 1)}`);
    expect(receiver.cut).toBe(1);
    expect(receiver.delivered).toBe(1);
  });

  it('notes doubles, disorder and its own messages sent back', () => {
    const { receiver } = received();
    receiver.feed(line(1, 1) + line(1, 0) + line(1, 0) + line(0, 0));
    expect(receiver.disorder).toBe(3); // 1 before 0, then 0 twice after 1
    expect(receiver.delivered).toBe(3);
    expect(receiver.echoed).toBe(1);
  });

  it('sees its own announcement and the sync mark even when a chunk boundary splits them', () => {
    const receiver = new Receiver(3, 'c3');
    receiver.feed('Annonce : c3 a rej');
    expect(receiver.joined).toBe(false);
    receiver.feed('oint la chatroomAnnonce : c30 a rejoint la chatroom[syn');
    expect(receiver.joined).toBe(true);
    receiver.feed('c:1]');
    expect(receiver.synced).toBe(1);
  });

  it('is not fooled by a longer pseudo that starts with its own', () => {
    const receiver = new Receiver(3, 'c3');
    receiver.feed('Annonce : c30 a rejoint la chatroom');
    expect(receiver.joined).toBe(false);
  });
});

describe('/proc', () => {
  it('reads the group and the CPU times of a stat line, whatever the command name holds', () => {
    const stat = '4242 (a (b) c) S 1 4240 4240 0 -1 4194560 100 0 0 0 150 50 7 3 20 0 1 0 1 1 1';
    expect(parseStat(stat)).toEqual({ pid: 4242, state: 'S', pgrp: 4240, ticks: 150 + 50 + 7 + 3 });
  });

  it('reads VmRSS and the open-file limit', () => {
    expect(parseRss('Name:\tnode\nVmRSS:\t   45000 kB\n')).toBe(45000 * 1024);
    expect(parseRss('Name:\tzombie\n')).toBe(0);
    const limits =
      'Limit   Soft Limit   Hard Limit   Units\nMax open files      1024      524288     files\n';
    expect(parseOpenFileLimit(limits)).toBe(1024);
    expect(parseOpenFileLimit('Max open files   unlimited   unlimited   files\n')).toBe(Infinity);
  });
});

describe('the command launcher', () => {
  const tinyServer = [
    process.execPath,
    '-e',
    // listens on HOST:PORT as a student's server would, and starts a child of its own
    "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);" +
      "require('net').createServer(() => {}).listen(Number(process.env.PORT), process.env.HOST)",
  ];

  it('starts a command with HOST/PORT, measures its whole group, and stops all of it', async () => {
    const server = await launchServer(tinyServer, { cwd: ROOT });
    expect(server.host).toBe('127.0.0.1');
    expect(groupMembers(server.pgrp)).toHaveLength(2); // npm → sh → node would be three
    const usage = groupUsage(server.pgrp);
    expect(usage.rss).toBeGreaterThan(0);
    await server.stop();
    expect(groupMembers(server.pgrp)).toEqual([]); // the child went too
  });

  it('says in one line when the command does not exist', async () => {
    const launch = launchServer(['no-such-program-here'], { cwd: ROOT });
    await expect(launch).rejects.toThrow(UsageError);
    await expect(launch).rejects.toThrow(/^cannot run "no-such-program-here": command not found$/);
  });

  it('says so when the program exits without listening', async () => {
    const launch = launchServer([process.execPath, '-e', 'console.error("boom"); process.exit(3)'], {
      cwd: ROOT,
    });
    await expect(launch).rejects.toThrow(/exited \(code 3\) without listening.*boom/);
  });
});

describe('a small load on our step 06 server', () => {
  it('delivers every message to every other client, counted on two threads', async () => {
    const server = await launchServer(stepCommand('chat_server_ii_6.ts'), {
      cwd: ROOT,
    });
    try {
      const run = await runLoad({
        host: server.host,
        port: server.port,
        clients: 30,
        senders: 3,
        messages: 5,
        threads: 2,
        pgrp: server.pgrp,
        settleMs: 100,
      });
      expect(run).toMatchObject({ failedJoins: 0, expected: 3 * 29 * 5, delivered: 3 * 29 * 5, lost: 0 });
      expect(run.cut + run.disorder + run.echoed + run.dropped).toBe(0);
      expect(run.join.count).toBe(30);
      expect(run.latency.count).toBe(3 * 29 * 5);
      expect(run.memory!.joined).toBeGreaterThan(0);
      expect(run.memory!.settled).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});

describe('memory per client', () => {
  it('is the slope between two runs, what the server holds idle left out', () => {
    expect(kibPerClient({ clients: 100, mib: 50 }, { clients: 1100, mib: 60 })).toBeCloseTo(10.24);
  });

  it('is given right after the joins, and after the silence only when both runs waited for it', () => {
    const small = { clients: 100, memory: { joined: 50, settled: 49 } };
    const large = { clients: 1100, memory: { joined: 60, settled: 54 } };
    expect(memoryPerClient(small, large)).toEqual({ joined: 10.24, settled: 5.12 });
    expect(memoryPerClient(small, { clients: 1100, memory: { joined: 60 } })).toEqual({
      joined: 10.24,
      settled: undefined,
    });
    expect(memoryPerClient(small, { clients: 1100 })).toEqual({});
  });

  it("gives a server's capacity as a range, from right after the joins to after the silence", () => {
    const capacity = (lang: 'en' | 'fr', ours: [number, number?][], python: [number, number?][]) =>
      benchCapacity(lang, savedRun(ours, python));
    // Python's memory per client is higher after the silence here: each range still goes low to high
    const both = capacity(
      'en',
      [
        [50, 49],
        [60, 54],
      ],
      [
        [20, 20],
        [25, 26],
      ],
    );
    expect(both).toContain(
      'about 10.2 KiB of memory right after the joins and 5.1 KiB after the silence ' +
        "(the lab's Python: 5.1 and 6.1 KiB)",
    );
    expect(both).toContain('about 102,000 to 204,000 clients (Python: 170,000 to 204,000)');
    expect(
      capacity(
        'fr',
        [
          [50, 49],
          [60, 54],
        ],
        [
          [20, 20],
          [25, 25],
        ],
      ),
    ).toContain('environ 10,2 Kio de mémoire juste après les arrivées et 5,1 Kio après le silence');
    // an older saved run, or one side without the figure: right after the joins only, for both sides
    for (const python of [
      [[20], [25]],
      [[20, 20], [25]],
    ] as [number, number?][][]) {
      const joinedOnly = capacity(
        'en',
        [
          [50, 49],
          [60, 54],
        ],
        python,
      );
      expect(joinedOnly).toContain("about 10.2 KiB of memory (the lab's Python: 5.1 KiB)");
      expect(joinedOnly).toContain('about 102,000 clients (Python: 204,000)');
    }
  });

  it('tells when the memory did not go down during the silence (little garbage left, or not collected yet)', () => {
    expect(notLowerAfterSilence({ joined: 63.1, settled: 56.7 })).toBe(false); // 1,000 clients, collected
    expect(notLowerAfterSilence({ joined: 85.5, settled: 77.7 })).toBe(false); // 5,000 clients, collected
    expect(notLowerAfterSilence({ joined: 52.4, settled: 52.3 })).toBe(true);
    expect(notLowerAfterSilence({ joined: 50 })).toBe(false); // no silence asked for
    expect(notLowerAfterSilence(undefined)).toBe(false);
  });

  it('shows the figure after the silence, or nothing of it in a run saved without it', () => {
    const silent = savedRun(
      [
        [50, 49],
        [60, 54],
      ],
      [
        [20, 20],
        [25, 25],
      ],
      10,
    );
    const older = savedRun([[50], [60]], [[20], [25]]);
    expect(benchTables('en', silent)).toContain('has been silent for 10 s');
    expect(benchTables('en', silent)).toMatch(
      /\| … and after the silence \(MiB, one run\) \| 54\.0 \| 25\.0 \|/,
    );
    expect(benchTables('en', older)).not.toContain('after the silence');
    expect(benchTables('en', older)).not.toContain('has been silent');
    expect(benchCharts('en', silent)).toContain('>ours, silent room</text>');
    const charts = benchCharts('en', older);
    expect(charts).not.toContain('silent room');
    expect(charts).not.toContain('points=""');
  });
});

/** A saved bench of two sizes (100 and 1,100 clients): each side's memory joined and after the silence. */
function savedRun(ours: [number, number?][], python: [number, number?][], settle?: number): BenchFile {
  const run = (clients: number, [joined, settled]: [number, number?]): RunFigures =>
    ({
      clients,
      join: spread([1]),
      latency: spread([1]),
      deliveriesPerSecond: 1,
      lost: 0,
      cut: 0,
      expected: 1,
      memory: { idle: 40, joined, settled, peak: joined, perThousand: 0 },
      fds: clients + 1,
      cpu: { serverJoin: 1, serverBurst: 1, generatorJoin: 1, generatorBurst: 1 },
    }) as RunFigures;
  const chat = [100, 1100].map((clients, i) => ({
    clients,
    ours: run(clients, ours[i]!),
    python: run(clients, python[i]!),
  }));
  const machine = { cores: 2, model: 'test', node: 'v20', python: 'Python 3', os: 'linux', load: 0 };
  return {
    machine,
    date: '2026-01-01',
    load: { senders: 1, messages: 1, threads: 1 },
    runs: 1,
    settle,
    ours: 'node',
    chat,
    web: [],
  };
}

describe('the server figures of one run', () => {
  const usage = (rss: number, cpu: number) => ({ rss: rss * 2 ** 20, cpu, fds: 3 });
  it('leave what the server did during the silence out of both phases', () => {
    const [idle, joined, settled, end] = [usage(40, 1), usage(60, 3), usage(50, 3.5), usage(70, 4)];
    expect(serverCpu({ idle, joined, settled, end })).toEqual({ serverJoin: 2, serverBurst: 0.5 });
    expect(serverCpu({ idle, joined, end })).toEqual({ serverJoin: 2, serverBurst: 1 });
    expect(serverCpu({})).toEqual({ serverJoin: undefined, serverBurst: undefined });
  });

  it('give the memory at each reading, the one after the silence only when it was read', () => {
    const figures = serverFigures(1000, { idle: usage(40, 0), joined: usage(60, 0), peak: 70 * 2 ** 20 });
    expect(figures).toEqual({
      memory: { idle: 40, joined: 60, settled: undefined, peak: 70, perThousand: 20 },
      fds: 3,
    });
    expect(
      serverFigures(1000, { idle: usage(40, 0), joined: usage(60, 0), settled: usage(50, 0), peak: 0 }).memory
        ?.settled,
    ).toBe(50);
    expect(serverFigures(1000, { peak: 0 })).toEqual({ memory: undefined, fds: undefined });
  });
});

describe('a server that never answers the Hello', () => {
  it('counts every client as not joined, gives up early, and still ends', async () => {
    const silent = [
      process.execPath,
      '-e',
      "require('net').createServer(() => {}).listen(+process.env.PORT)",
    ];
    const server = await launchServer(silent, { cwd: ROOT });
    try {
      const run = await runLoad({
        host: server.host,
        port: server.port,
        clients: 200,
        senders: 2,
        messages: 2,
        threads: 1,
        joinTimeoutMs: 300,
        quietMs: 300,
        pgrp: server.pgrp,
      });
      expect(run.failedJoins).toBe(200);
      expect(run.memory!.joined).toBeGreaterThan(0);
      expect(run.memory!.settled).toBeUndefined(); // no silence was asked for
      expect(run.joinError).toMatch(/no announcement within 0.3 s/);
      expect(run.delivered).toBe(0);
      expect(run.lost).toBe(run.expected);
    } finally {
      await server.stop();
    }
  });
});

describe('npm run bench, its command line', () => {
  const bench = async (args: string[]) => {
    const proc = startTs(join(ROOT, 'scripts', 'bench.ts'), args, { cwd: ROOT, env: { NO_COLOR: '1' } });
    const { code } = await proc.waitExit(25_000);
    return { code, stdout: proc.stdout, stderr: proc.stderr };
  };

  it.each([['--help'], ['-h']])('%s prints the usage and exits 0, measuring nothing', async (flag) => {
    const { code, stdout, stderr } = await bench([flag]);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(
      /^usage: npm run bench -- \[web\] \[chat\] \[sleep\] .*<server command…>\]$/,
    );
    expect(stderr).toBe('');
  });

  it.each([
    [['--wat'], /^error: unknown option "--wat"; usage: npm run bench/],
    [['--clients', '1000,x'], /^error: --clients takes a whole number ≥ 1, not "x"$/],
    [['--settle', '1e3'], /^error: --settle takes a whole number ≥ 0, not "1e3"$/],
    [['nope'], /^error: no part "nope"; usage: npm run bench/],
    [['chat', '--save', '--', 'python3', 'x.py'], /^error: --save keeps the figures of our servers/],
  ])('%j exits 2 with one line, no stack trace', async (args, message) => {
    const { code, stdout, stderr } = await bench(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });
});
