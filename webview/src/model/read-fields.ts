/**
 * Tolerant readers for event payloads: a field of the wrong type reads as absent, so events from
 * other gateway versions never break the timeline.
 */

export type Fields = Readonly<Record<string, unknown>>;

const EMPTY: Fields = Object.freeze({});

export function fieldsOf(v: unknown): Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : EMPTY;
}

export function readString(o: Fields, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

export function readNumber(o: Fields, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function readBoolean(o: Fields, key: string): boolean | undefined {
  const v = o[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function readArray(o: Fields, key: string): readonly unknown[] {
  const v = o[key];
  return Array.isArray(v) ? v : [];
}

export function readStrings(o: Fields, key: string): string[] {
  return readArray(o, key).filter((x): x is string => typeof x === 'string');
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Milliseconds since the epoch of an ISO timestamp, or undefined. The journal's own shape
 * (`2026-11-22T09:00:00.000Z`, from toISOString) is read directly, a few times faster than
 * Date.parse on 100,000 events; anything else goes to Date.parse.
 */
export function parseTime(ts: string | undefined): number | undefined {
  if (ts === undefined) return undefined;
  if (ts.length === 24 && ts.charCodeAt(10) === 84 /* T */ && ts.charCodeAt(23) === 90 /* Z */) {
    const ms = Date.UTC(
      digits(ts, 0, 4),
      digits(ts, 5, 2) - 1,
      digits(ts, 8, 2),
      digits(ts, 11, 2),
      digits(ts, 14, 2),
      digits(ts, 17, 2),
      digits(ts, 20, 3),
    );
    if (!Number.isNaN(ms)) return ms;
  }
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}
