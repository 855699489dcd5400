/**
 * The time axis as lanes, one per decision, each cut into buckets of a few pixels: a bucket holds
 * how many calls of that decision started in its slice of time. However many calls there are, the
 * axis draws at most lanes × buckets marks.
 */
import type { CallRecord, Outcome } from './call-record';

export const LANE_ORDER: readonly Outcome[] = [
  'allowed',
  'approved',
  'pending',
  'denied',
  'expired',
  'refused',
  'unknown',
];

export interface Lane {
  readonly outcome: Outcome;
  /** Bucket index → number of calls; only non-empty buckets. */
  readonly buckets: ReadonlyMap<number, number>;
  readonly max: number;
  readonly total: number;
}

export interface TimeLanes {
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketCount: number;
  /** Lanes that hold at least one call, in LANE_ORDER. */
  readonly lanes: readonly Lane[];
}

export function bucketOf(at: number, fromMs: number, toMs: number, bucketCount: number): number {
  const span = Math.max(1, toMs - fromMs);
  return Math.min(bucketCount - 1, Math.max(0, Math.floor(((at - fromMs) / span) * bucketCount)));
}

export function buildLanes(
  calls: readonly CallRecord[],
  indices: readonly number[],
  fromMs: number,
  toMs: number,
  bucketCount: number,
): TimeLanes {
  const maps = new Map<Outcome, Map<number, number>>();
  for (const i of indices) {
    const r = calls[i]!;
    let m = maps.get(r.outcome);
    if (!m) maps.set(r.outcome, (m = new Map<number, number>()));
    const b = bucketOf(r.startMs, fromMs, toMs, bucketCount);
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  const lanes: Lane[] = [];
  for (const outcome of LANE_ORDER) {
    const buckets = maps.get(outcome);
    if (!buckets) continue;
    let max = 0;
    let total = 0;
    for (const n of buckets.values()) {
      max = Math.max(max, n);
      total += n;
    }
    lanes.push({ outcome, buckets, max, total });
  }
  return { fromMs, toMs, bucketCount, lanes };
}

/** Opacity of a bucket: a single call stays clearly visible next to dense bursts. */
export function bucketOpacity(count: number, max: number): number {
  return max <= 1 ? 1 : 0.45 + 0.55 * Math.sqrt(count / max);
}

/** Bucket opacities drawn, so a lane is a handful of SVG paths however many buckets it has. */
const LEVELS = [0.45, 0.65, 0.82, 1] as const;

export interface LanePath {
  readonly opacity: number;
  /** SVG path data: one rectangle per bucket at this opacity. */
  readonly d: string;
}

export function lanePaths(
  lane: Lane,
  bucketCount: number,
  width: number,
  y: number,
  height: number,
): LanePath[] {
  const step = width / bucketCount;
  const w = Math.max(2, step - 0.5).toFixed(1);
  const parts: string[][] = LEVELS.map(() => []);
  for (const [b, n] of lane.buckets) {
    const o = bucketOpacity(n, lane.max);
    let level = 0;
    while (level < LEVELS.length - 1 && o > (LEVELS[level]! + LEVELS[level + 1]!) / 2) level++;
    parts[level]!.push(`M${(b * step).toFixed(1)} ${y}h${w}v${height}h-${w}z`);
  }
  return LEVELS.flatMap((opacity, i) => (parts[i]!.length > 0 ? [{ opacity, d: parts[i]!.join('') }] : []));
}
