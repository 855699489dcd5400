import type { GatewayState } from './gateway-supervisor';

/** Restarts in a row after which the gateway counts as crash-looping (the first may be a fluke). */
export const CRASH_LOOP_ATTEMPTS = 2;

/**
 * Says when a gateway that keeps stopping deserves a notification: at the second restart in a
 * row, once per loop. The status bar shows every restart; a notification at each would be noise.
 * The loop ends when the supervisor counts afresh (a first restart after a healthy run) or the
 * gateway is stopped or restarted on purpose; a brief start in between does not end it.
 */
export class CrashLoopWatch {
  private shown = false;

  /** The notice's text for this state change, or undefined when none is due. */
  next(state: GatewayState): string | undefined {
    if (state.kind === 'stopped' || (state.kind === 'restarting' && state.attempt < CRASH_LOOP_ATTEMPTS)) {
      this.shown = false;
      return undefined;
    }
    if (state.kind !== 'restarting' || this.shown) return undefined;
    this.shown = true;
    return `Airlock: the gateway keeps stopping (${state.attempt} times in a row). ${state.reason} Airlock restarts it in ${Math.max(1, Math.round(state.delayMs / 1000))} s; until it runs, AWS calls from terminals fail.`;
  }
}
