// The near-miss matcher: a whole message in a stream without framing, or the right text slightly off.
import { describe, expect, it } from 'vitest';
import { compareMessage, findMessage, type Received } from '../scripts/check/match.ts';

/** A stream received in these chunks. */
function chunks(...parts: string[]): Received {
  const boundaries = new Set<number>();
  let text = '';
  for (const part of parts) {
    text += part;
    boundaries.add(text.length);
  }
  return { text, boundaries };
}

const JOIN = 'Annonce : bob a rejoint la chatroom';

describe('findMessage', () => {
  it('accepts any chunking and a trailing newline', () => {
    expect(findMessage(chunks(JOIN), JOIN).kind).toBe('exact');
    expect(findMessage(chunks(`${JOIN}\n`), JOIN).kind).toBe('exact');
    expect(findMessage(chunks(`${JOIN}\r\n`), JOIN).kind).toBe('exact');
    expect(findMessage(chunks('Annonce : bob a r', 'ejoint la chatroom'), JOIN).kind).toBe('exact');
    expect(findMessage(chunks('alice a dit : salut', JOIN), JOIN).kind).toBe('exact');
  });

  it('accepts a message glued to another one the scenario knows', () => {
    expect(findMessage(chunks(`${JOIN}alice a dit : salut`), JOIN, ['alice a dit : salut']).kind).toBe(
      'exact',
    );
  });

  it('reports a trailing period, another case, a timestamp or extra text as a near miss', () => {
    expect(findMessage(chunks(`${JOIN}.`), JOIN)).toEqual({
      kind: 'near',
      seen: `${JOIN}.`,
      why: 'trailing "."',
    });
    expect(findMessage(chunks(JOIN.toLowerCase()), JOIN)).toMatchObject({
      kind: 'near',
      why: 'different case',
    });
    expect(findMessage(chunks(`[12:04] ${JOIN}\n`), JOIN)).toMatchObject({
      kind: 'near',
      seen: `[12:04] ${JOIN}`,
      why: 'timestamp prefix "[12:04] "',
    });
    expect(findMessage(chunks(`>>> ${JOIN} <<<`), JOIN)).toMatchObject({
      kind: 'near',
      why: 'extra text around it',
    });
  });

  it('reports anything else as missing, with everything that was seen', () => {
    expect(findMessage(chunks('Annonce : bob a rejoint le chat'), JOIN)).toEqual({
      kind: 'missing',
      seen: 'Annonce : bob a rejoint le chat',
    });
    expect(findMessage(chunks(''), JOIN)).toEqual({ kind: 'missing', seen: '' });
  });
});

describe('compareMessage (one whole message a client sent)', () => {
  it('is strict, a trailing newline accepted only when asked and noted', () => {
    expect(compareMessage('Hello|alice', 'Hello|alice')).toEqual({ kind: 'exact' });
    expect(compareMessage('Hello|alice', 'Hello|alice\n')).toMatchObject({
      kind: 'near',
      why: 'trailing newline "\\n"',
    });
    expect(compareMessage('Hello|alice', 'Hello|alice\n', { allowTrailingNewline: true })).toMatchObject({
      kind: 'exact',
      note: expect.stringContaining('accepted'),
    });
    expect(compareMessage('Hello|alice', 'Hello|alice.')).toMatchObject({
      kind: 'near',
      why: 'trailing "."',
    });
    expect(compareMessage('Hello|alice', 'Hello alice')).toEqual({ kind: 'missing', seen: 'Hello alice' });
  });
});
