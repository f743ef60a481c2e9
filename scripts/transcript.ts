// One interleaved transcript for the demos: each line prefixed and coloured by who printed it.
import { colourer, type Colour } from './cli.ts';

const PALETTE: Colour[] = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'red'];

export interface Transcript {
  /** A line printer for one speaker, e.g. `say('alice')('bonjour')`. */
  speaker(name: string): (line: string) => void;
  /** A line of the demo's own commentary. */
  note(line: string): void;
}

export function createTranscript(
  names: readonly string[],
  out: NodeJS.WriteStream = process.stdout,
): Transcript {
  const colour = colourer(out);
  const width = Math.max(...names.map((n) => n.length), 4);
  const colours = new Map(names.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
  return {
    speaker(name) {
      const prefix = colour(colours.get(name) ?? 'white', `${name.padEnd(width)} |`);
      return (line) => out.write(`${prefix} ${line}\n`);
    },
    note(line) {
      out.write(`${colour('dim', line)}\n`);
    },
  };
}
