import type { TaskCounts } from '../protocol';

export type MutableCounts = { -readonly [K in keyof TaskCounts]: TaskCounts[K] };

export function emptyCounts(): MutableCounts {
  return { calls: 0, allowed: 0, denied: 0, approved: 0, pending: 0, masked: 0, refused: 0, failed: 0 };
}
