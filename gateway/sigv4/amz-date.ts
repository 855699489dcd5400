/** Timestamps SigV4 accepts: X-Amz-Date's ISO 8601 basic form, or an RFC 1123 `Date` header. */

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const MONTHS: ReadonlyMap<string, number> = new Map(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
    (name, index) => [name, index] as const,
  ),
);

/**
 * RFC 1123 as browsers and SDKs write it; botocore's `formatdate` writes `-0000` instead of
 * `GMT`, so the zero offsets are accepted too. The weekday is not checked (it carries nothing).
 */
const HTTP_DATE =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(?:GMT|UTC|UT|Z|[+-]0000)$/;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | undefined {
  const t = Date.UTC(y, mo, d, h, mi, s);
  const date = new Date(t);
  // Date.UTC rolls 31 Feb over into March; a timestamp that does not round-trip is malformed.
  if (
    Number.isNaN(t) ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    date.getUTCSeconds() !== s
  ) {
    return undefined;
  }
  return date;
}

export function parseAmzDate(s: string): Date | undefined {
  const m = AMZ_DATE.exec(s);
  if (m === null) return undefined;
  return utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function parseHttpDate(s: string): Date | undefined {
  const m = HTTP_DATE.exec(s.trim());
  if (m === null) return undefined;
  const month = MONTHS.get(m[2] ?? '');
  if (month === undefined) return undefined;
  return utc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The string-to-sign always carries the basic ISO form, whichever header held the time. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
