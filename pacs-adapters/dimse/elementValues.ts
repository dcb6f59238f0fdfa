/**
 * Readers for dcmjs naturalized values as C-FIND responses carry them: strings, numbers, arrays of either, person
 * names as `[{ Alphabetic }]`, and `null` or `""` for an empty (zero-length) attribute.
 */
export type Elements = Readonly<Record<string, unknown>>;

/** The first non-empty value as a trimmed string. */
export function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = str(item);
      if (s !== undefined) return s;
    }
    return undefined;
  }
  if (typeof v === 'object' && 'Alphabetic' in v) return str((v as { Alphabetic: unknown }).Alphabetic);
  return undefined;
}

/** Every non-empty value (multi-valued attributes arrive as arrays, or as one backslash-joined string). */
export function strs(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((item) => strs(item));
  if (typeof v === 'string') {
    return v
      .split('\\')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  const s = str(v);
  return s === undefined ? [] : [s];
}

/** The first value as a finite number (IS/DS arrive as numbers or strings). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) return v.length > 0 ? num(v[0]) : undefined;
  const s = str(v);
  if (s === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}
