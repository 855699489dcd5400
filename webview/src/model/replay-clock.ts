/**
 * Maps the session's real timestamps to playback: while playing, the replayed moment advances
 * `speed` real milliseconds per wall-clock millisecond, so calls come back in the rhythm the agent
 * made them. Pure: the wall clock is injected, so tests drive it by hand.
 */

export const SPEEDS = [1, 2, 4, 8, 16] as const;
export type Speed = (typeof SPEEDS)[number];

export class ReplayClock {
  #start: number;
  #end: number;
  #now: () => number;
  #playing = false;
  #speed: Speed = 1;
  /** The replayed moment (ms since epoch) at wall-clock `#anchorWall`. */
  #anchorAt: number;
  #anchorWall = 0;

  constructor(startMs: number, endMs: number, now: () => number) {
    this.#start = startMs;
    this.#end = Math.max(startMs, endMs);
    this.#now = now;
    this.#anchorAt = this.#end;
  }

  get start(): number {
    return this.#start;
  }

  get end(): number {
    return this.#end;
  }

  get playing(): boolean {
    return this.#playing;
  }

  get speed(): Speed {
    return this.#speed;
  }

  /** The replayed moment now. Reaching the end pauses the clock there. */
  position(): number {
    if (!this.#playing) return this.#anchorAt;
    const at = this.#anchorAt + (this.#now() - this.#anchorWall) * this.#speed;
    if (at >= this.#end) {
      this.#playing = false;
      this.#anchorAt = this.#end;
      return this.#end;
    }
    return at;
  }

  /** Starts playing; from the beginning when the end was reached. */
  play(): void {
    if (this.#playing) return;
    if (this.#anchorAt >= this.#end) this.#anchorAt = this.#start;
    this.#anchorWall = this.#now();
    this.#playing = this.#anchorAt < this.#end;
  }

  pause(): void {
    if (!this.#playing) return;
    this.#anchorAt = this.position();
    this.#playing = false;
  }

  toggle(): void {
    if (this.#playing) this.pause();
    else this.play();
  }

  /** Changes speed without a jump: the moment shown stays where it is. */
  setSpeed(speed: Speed): void {
    this.#rebase();
    this.#speed = speed;
  }

  /** Jumps to a moment (clamped to the session); playing continues from there. */
  seek(at: number): void {
    this.#anchorAt = Math.min(this.#end, Math.max(this.#start, at));
    this.#anchorWall = this.#now();
  }

  /**
   * The session grew (live): a clock resting at the end follows the new end; one that is playing
   * or paused earlier keeps its place.
   */
  extend(startMs: number, endMs: number): void {
    const atEnd = !this.#playing && this.#anchorAt >= this.#end;
    this.#rebase();
    this.#start = Math.min(this.#start, startMs);
    this.#end = Math.max(this.#end, endMs, this.#start);
    if (atEnd) this.#anchorAt = this.#end;
    this.#anchorAt = Math.max(this.#anchorAt, this.#start);
  }

  #rebase(): void {
    const at = this.position();
    this.#anchorAt = at;
    this.#anchorWall = this.#now();
  }
}
