/**
 * Replay of one session: play/pause, step, speed and scrubbing over a ReplayClock, advanced once
 * per animation frame while playing. The replayed moment moves the list's cursor to the call
 * that happened last, so the list follows the replay.
 */
import { ReplayClock, type Speed } from '../model/replay-clock';
import { lastStartedBy } from '../model/time-search';
import type { CallRecord } from '../model/call-record';

export interface FrameScheduler {
  request(cb: () => void): number;
  cancel(id: number): void;
  now(): number;
  /** Runs `work` when the page is idle; `timeLeft()` is how many ms that idle period has left. */
  readonly idle?: (work: (timeLeft: () => number) => void) => void;
}

export const browserFrames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(() => cb()),
  cancel: (id) => cancelAnimationFrame(id),
  now: () => performance.now(),
  idle: (work) => requestIdleCallback((deadline) => work(() => deadline.timeRemaining())),
};

/** What the replay needs from its session. */
export interface ReplaySubject {
  calls(): readonly CallRecord[];
  /** The filtered calls (indices into `calls()`), in time order. */
  visibleIndices(): readonly number[];
  range(): { readonly fromMs: number; readonly toMs: number };
  moveCursorTo(position: number): void;
}

export class ReplayState {
  position: number = $state(NaN);
  playing: boolean = $state(false);
  speed: Speed = $state(1);
  /** The replay is somewhere before the end: later calls are "not yet happened". */
  engaged: boolean = $derived(Number.isFinite(this.position) && this.position < this.#endMs());
  #clock: ReplayClock | undefined;
  #frame: number | undefined;
  #subject: ReplaySubject;
  #frames: FrameScheduler;
  #stepped: number | undefined;

  constructor(subject: ReplaySubject, frames: FrameScheduler = browserFrames) {
    this.#subject = subject;
    this.#frames = frames;
  }

  #endMs(): number {
    return this.#clock?.end ?? NaN;
  }

  /** The session's time range changed (events arrived). */
  sync(): void {
    const { fromMs, toMs } = this.#subject.range();
    if (!Number.isFinite(fromMs)) return;
    if (!this.#clock) this.#clock = new ReplayClock(fromMs, toMs, () => this.#frames.now());
    else this.#clock.extend(fromMs, toMs);
    this.position = this.#clock.position();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    const clock = this.#clock;
    if (!clock) return;
    this.#stepped = undefined;
    clock.setSpeed(this.speed);
    clock.play();
    this.#update(true);
    if (clock.playing) this.#schedule();
  }

  pause(): void {
    this.#clock?.pause();
    this.#update(false);
    if (this.#frame !== undefined) this.#frames.cancel(this.#frame);
    this.#frame = undefined;
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    this.#clock?.setSpeed(speed);
  }

  /** Jumps to a moment; the list's cursor follows. */
  seek(at: number): void {
    if (!this.#clock) return;
    this.#stepped = undefined;
    this.#clock.seek(at);
    this.#update(true);
  }

  /** To the next (+1) or previous (−1) visible call, paused there. From the end, forward starts over. */
  step(direction: 1 | -1): void {
    const clock = this.#clock;
    if (!clock) return;
    this.pause();
    const calls = this.#subject.calls();
    const visibleIndices = this.#subject.visibleIndices();
    const at = clock.position();
    // Calls recorded in the same millisecond share a moment: the last step tells which one is current.
    const stepped = this.#stepped === undefined ? undefined : visibleIndices[this.#stepped];
    let current =
      stepped !== undefined && calls[stepped]?.startMs === at
        ? this.#stepped!
        : lastStartedBy(calls, visibleIndices, at);
    // Resting at the end (not stepped there): forward starts over from the first call.
    if (direction > 0 && at >= clock.end && this.#stepped === undefined) current = -1;
    const target = current + direction;
    if (target < 0 || target >= visibleIndices.length) return;
    this.#stepped = target;
    clock.seek(calls[visibleIndices[target]!]!.startMs);
    this.position = clock.position();
    this.#subject.moveCursorTo(target);
  }

  /** Back to the end: everything shown, nothing dimmed. */
  reset(): void {
    this.pause();
    if (this.#clock) this.seek(this.#clock.end);
  }

  dispose(): void {
    if (this.#frame !== undefined) this.#frames.cancel(this.#frame);
    this.#frame = undefined;
  }

  #update(moveCursor: boolean): void {
    const clock = this.#clock;
    if (!clock) return;
    this.position = clock.position();
    this.playing = clock.playing;
    if (!moveCursor) return;
    const calls = this.#subject.calls();
    const visibleIndices = this.#subject.visibleIndices();
    const at = lastStartedBy(calls, visibleIndices, this.position);
    if (at >= 0) this.#subject.moveCursorTo(at);
  }

  #schedule(): void {
    this.#frame = this.#frames.request(() => {
      this.#frame = undefined;
      this.#update(true);
      if (this.playing) this.#schedule();
    });
  }
}
