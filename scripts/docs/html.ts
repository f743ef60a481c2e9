// Small helpers shared by every part of the docs generator.
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Template literal helper: joins parts, drops undefined/false. */
export function join(parts: readonly (string | undefined | false)[], sep = '\n'): string {
  return parts.filter((p): p is string => typeof p === 'string').join(sep);
}
