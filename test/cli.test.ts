// What every script of the toolkit shares on the command line: short usage lines, npm's eaten flags given back.
import { describe, expect, it } from 'vitest';
import { UsageError, npmFlags, parseCommandLine } from '../scripts/cli.ts';

describe('the command line of every script', () => {
  it('parseCommandLine turns node:util errors into one short usage line', () => {
    const config = { args: ['--wat'], options: { watch: { type: 'boolean' } } } as const;
    expect(() => parseCommandLine(config, 'usage: x')).toThrow(UsageError);
    expect(() => parseCommandLine(config, 'usage: x')).toThrow(/^unknown option "--wat"; usage: x$/);
    const value = { args: ['--lang'], options: { lang: { type: 'string' } } } as const;
    expect(() => parseCommandLine(value, 'usage: x')).toThrow(
      /^option '--lang <value>' argument missing; usage: x$/,
    );
  });

  it('npmFlags gives back the flags npm kept (`npm run verify 5 --watch`, without --)', () => {
    const env = {
      npm_config_watch: 'true',
      npm_config_lang: 'fr',
      npm_config_force: 'false',
      npm_config_yes: '',
    };
    expect(npmFlags(['watch', 'force', 'yes', 'lang', 'python'], env)).toEqual(['--watch', '--lang', 'fr']);
    expect(npmFlags(['lab-only'], { npm_config_lab_only: 'true' })).toEqual(['--lab-only']);
  });
});
