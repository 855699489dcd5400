/** A hand-driven animation-frame scheduler and wall clock for replay tests. */
import type { FrameScheduler } from '../../src/state/replay-state.svelte';

export class ManualFrames implements FrameScheduler {
  wall = 0;
  #next = 1;
  #pending = new Map<number, () => void>();

  request(cb: () => void): number {
    const id = this.#next++;
    this.#pending.set(id, cb);
    return id;
  }

  cancel(id: number): void {
    this.#pending.delete(id);
  }

  now(): number {
    return this.wall;
  }

  get waiting(): number {
    return this.#pending.size;
  }

  /** Advances the wall clock and runs the frames that were waiting. */
  advance(ms: number): void {
    this.wall += ms;
    const due = [...this.#pending.values()];
    this.#pending.clear();
    for (const cb of due) cb();
  }
}
