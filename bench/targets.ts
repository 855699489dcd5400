// The issue 16 targets, each judged against the floors and peers measured in the same run.

export interface Comparison {
  /** What the figure is judged against, in words. */
  readonly against: string;
  /** The floor or peer figure measured in this run; undefined when the peer was skipped. */
  readonly measured: number | undefined;
  /** The bound the figure must stay within (derived from `measured`). */
  readonly limit: number | undefined;
  readonly met: boolean | 'skipped';
}

export interface Target {
  readonly figure: number;
  readonly unit: string;
  readonly judged: readonly Comparison[];
  /** Every comparison that could be made was met. */
  readonly met: boolean;
}

export function atMost(against: string, measured: number | undefined, limit: (m: number) => number) {
  return compare(against, measured, limit, (f, l) => f <= l);
}

export function atLeast(against: string, measured: number | undefined, limit: (m: number) => number) {
  return compare(against, measured, limit, (f, l) => f >= l);
}

function compare(
  against: string,
  measured: number | undefined,
  limit: (m: number) => number,
  ok: (figure: number, limit: number) => boolean,
): (figure: number) => Comparison {
  return (figure) => {
    if (measured === undefined) return { against, measured, limit: undefined, met: 'skipped' };
    const l = +limit(measured).toFixed(3);
    return { against, measured, limit: l, met: ok(figure, l) };
  };
}

export function target(figure: number, unit: string, ...checks: ((figure: number) => Comparison)[]): Target {
  const judged = checks.map((c) => c(figure));
  return { figure, unit, judged, met: judged.every((c) => c.met !== false) };
}
