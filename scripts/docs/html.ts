// Small helpers shared by every part of the docs generator.
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A stable anchor id: lower case, letters, digits, `-`, `_` and `.` kept, the rest becomes `-`. */
export function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

/** Template literal helper: joins parts, drops undefined/false. */
export function join(parts: readonly (string | undefined | false)[], sep = '\n'): string {
  return parts.filter((p): p is string => typeof p === 'string').join(sep);
}
