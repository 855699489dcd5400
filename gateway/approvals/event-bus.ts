import type { GatewayEvent } from '../protocol';

export type EventListener = (event: GatewayEvent) => void;

/**
 * Live gateway events for `GET /events` (approvals, calls, tasks, policy). Fan-out only: nothing
 * is buffered for absent listeners (the journal is the record; clients re-list on reconnect), and
 * a listener that throws is dropped rather than allowed to break the publisher.
 */
export class EventBus {
  private readonly listeners = new Map<EventListener, (() => void) | undefined>();

  /** `onClose` runs when the bus closes (the gateway stops), so streams can end cleanly. */
  subscribe(listener: EventListener, onClose?: () => void): () => void {
    this.listeners.set(listener, onClose);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(event: GatewayEvent): void {
    for (const l of [...this.listeners.keys()]) {
      try {
        l(event);
      } catch {
        this.listeners.delete(l);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  close(): void {
    const closers = [...this.listeners.values()];
    this.listeners.clear();
    for (const c of closers) c?.();
  }
}
