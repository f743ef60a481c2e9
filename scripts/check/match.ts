// Finding an expected message in what a program sent or printed, and telling a near miss (the right text
// with a trailing period or newline, another case, a timestamp before it, text glued around it) from a
// missing behaviour. Pure functions: no I/O here.

export type Observation =
  | { kind: 'exact'; note?: string }
  | { kind: 'near'; seen: string; why: string }
  | { kind: 'missing'; seen: string };

/** Text received in chunks: `boundaries` are the offsets where a chunk ended (a write of the other side). */
export interface Received {
  text: string;
  boundaries: ReadonlySet<number>;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const TIMESTAMP =
  /^\s*(?:\[\s*)?(?:\d{4}-\d{2}-\d{2}[T ])?\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*\])?\s*[-:|>]?\s*/;
const TRAILING_PUNCTUATION = /[\s.!;,:]+$/;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function normalise(text: string): string {
  return stripAnsi(text)
    .replace(TIMESTAMP, '')
    .replace(TRAILING_PUNCTUATION, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Why `seen` is not exactly `expected` although it is close: "trailing \".\"", "different case", … */
export function explainNearMiss(expected: string, seen: string): string {
  const reasons: string[] = [];
  let rest = stripAnsi(seen);
  if (rest !== seen) reasons.push('terminal escape codes');
  const stamp = rest.match(TIMESTAMP);
  if (stamp && stamp[0] !== '' && !expected.match(TIMESTAMP)?.[0]) {
    reasons.push(`timestamp prefix ${JSON.stringify(stamp[0])}`);
    rest = rest.slice(stamp[0].length);
  }
  const tail = rest.match(/[\s.!;,:]+$/)?.[0] ?? '';
  const expectedTail = expected.match(/[\s.!;,:]+$/)?.[0] ?? '';
  if (tail !== expectedTail) {
    if (/^[\r\n]+$/.test(tail)) reasons.push(`trailing newline ${JSON.stringify(tail)}`);
    else if (tail.trim() === '' && tail !== '') reasons.push(`trailing whitespace ${JSON.stringify(tail)}`);
    else if (tail !== '') reasons.push(`trailing ${JSON.stringify(tail.replace(expectedTail, ''))}`);
    else reasons.push(`missing ${JSON.stringify(expectedTail)} at the end`);
  }
  const core = rest.replace(/[\s.!;,:]+$/, '');
  const expectedCore = expected.replace(/[\s.!;,:]+$/, '');
  if (core !== expectedCore) {
    if (core.toLowerCase() === expectedCore.toLowerCase()) reasons.push('different case');
    else if (
      core.replace(/\s+/g, ' ').trim().toLowerCase() ===
      expectedCore.replace(/\s+/g, ' ').trim().toLowerCase()
    )
      reasons.push('different spacing');
    else if (normalise(core).includes(normalise(expectedCore))) reasons.push('extra text around it');
    else reasons.push('different text');
  }
  return reasons.length > 0 ? reasons.join(', ') : 'different bytes';
}

/** Is `seen` (one whole message) exactly `expected`, a near miss of it, or something else? */
export function compareMessage(
  expected: string,
  seen: string,
  { allowTrailingNewline = false } = {},
): Observation {
  const candidate = allowTrailingNewline ? seen.replace(/\r?\n$/, '') : seen;
  if (candidate === expected)
    return candidate === seen
      ? { kind: 'exact' }
      : { kind: 'exact', note: `followed by ${JSON.stringify(seen.slice(expected.length))}, accepted` };
  const a = normalise(candidate);
  const b = normalise(expected);
  if (b !== '' && (a === b || a.includes(b)))
    return { kind: 'near', seen, why: explainNearMiss(expected, candidate) };
  return { kind: 'missing', seen };
}

/** The pieces of a stream: split at line ends and at chunk boundaries, empty pieces left out. */
export function pieces(received: Received): string[] {
  const cuts = [...received.boundaries]
    .filter((i) => i > 0 && i < received.text.length)
    .sort((x, y) => x - y);
  const chunks: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(received.text.slice(from, cut));
    from = cut;
  }
  chunks.push(received.text.slice(from));
  return chunks
    .flatMap((chunk) => chunk.split('\n'))
    .map((piece) => piece.replace(/\r$/, ''))
    .filter((piece) => piece.trim() !== '');
}

/**
 * Looks for `expected` as a whole message in a stream without framing: it may arrive in any chunks, be
 * followed by a newline or not, and be glued to another message the scenario knows (`known`).
 */
export function findMessage(
  received: Received,
  expected: string,
  known: readonly string[] = [],
): Observation {
  const { text, boundaries } = received;
  const others = known.filter((k) => k !== '' && k !== expected);
  const startsOk = (i: number): boolean =>
    i === 0 ||
    text[i - 1] === '\n' ||
    text[i - 1] === '\r' ||
    boundaries.has(i) ||
    others.some((k) => i >= k.length && text.startsWith(k, i - k.length));
  const endsOk = (i: number): boolean =>
    i === text.length ||
    text[i] === '\n' ||
    text[i] === '\r' ||
    boundaries.has(i) ||
    others.some((k) => text.startsWith(k, i));
  for (let at = text.indexOf(expected); at !== -1; at = text.indexOf(expected, at + 1)) {
    if (startsOk(at) && endsOk(at + expected.length)) return { kind: 'exact' };
  }
  for (const piece of pieces(received)) {
    const seen = compareMessage(expected, piece);
    if (seen.kind === 'near') return seen;
  }
  return { kind: 'missing', seen: text };
}

/** Characters a terminal would act on rather than show: controls, DEL, C1, bidi and invisible formatting. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** A program's text made harmless for a terminal: every character it would act on shown as `\x1b` or `\u202e`. */
export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A short, quoted, byte-exact rendering of what was seen (long texts cut in the middle), harmless in a terminal. */
export function quote(text: string, max = 240): string {
  const json = (part: string): string => visible(JSON.stringify(part));
  if (text.length <= max) return json(text);
  const half = Math.floor(max / 2);
  return `${json(text.slice(0, half))} … ${json(text.slice(-half))} (${text.length} characters)`;
}
