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

/** Milliseconds since the epoch of an ISO timestamp, or undefined. */
export function parseTime(ts: string | undefined): number | undefined {
  if (ts === undefined) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}
