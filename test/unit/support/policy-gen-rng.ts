import { mulberry32 } from '../../support/mulberry32';

/** A small seeded PRNG (mulberry32) so every generated case is reproducible from its seed. */
export class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A random subset (possibly empty) in pool order. */
  subset<T>(items: readonly T[], p = 0.5): T[] {
    return items.filter(() => this.chance(p));
  }

  /** 1..max items, each from `gen`. */
  some<T>(max: number, gen: () => T): T[] {
    const n = 1 + this.int(max);
    return Array.from({ length: n }, gen);
  }
}
