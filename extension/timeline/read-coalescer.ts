/**
 * Turns a burst of "task X has new events" signals (one `call.recorded` per call) into few
 * journal reads: the first signal schedules a read of that task after `delayMs`, signals while
 * it is scheduled add nothing, and signals while it runs schedule exactly one more afterwards.
 * At most one read per task runs at a time, so a feed's offset is never read twice at once, and
 * an agent making a thousand calls a second costs a read every `delayMs`, not a thousand.
 */
export class ReadCoalescer {
  private readonly state = new Map<string, 'scheduled' | 'reading' | 'again'>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly idle = new Set<() => void>();
  private disposed = false;

  constructor(
    private readonly read: (key: string) => Promise<void>,
    private readonly onError: (key: string, e: unknown) => void,
    private readonly delayMs = 40,
  ) {}

  poke(key: string): void {
    if (this.disposed) return;
    const s = this.state.get(key);
    if (s === 'scheduled' || s === 'again') return;
    if (s === 'reading') {
      this.state.set(key, 'again');
      return;
    }
    this.schedule(key);
  }

  /** Resolves once no read is scheduled or running (tests, and before a full re-send). */
  settled(): Promise<void> {
    if (this.state.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.state.clear();
    this.notifyIdle();
  }

  private schedule(key: string): void {
    this.state.set(key, 'scheduled');
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(key);
      }, this.delayMs),
    );
  }

  private async run(key: string): Promise<void> {
    if (this.disposed) return;
    this.state.set(key, 'reading');
    try {
      await this.read(key);
    } catch (e) {
      this.onError(key, e);
    }
    if (this.disposed) return;
    if (this.state.get(key) === 'again') this.schedule(key);
    else {
      this.state.delete(key);
      if (this.state.size === 0) this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    const waiting = [...this.idle];
    this.idle.clear();
    for (const w of waiting) w();
  }
}
