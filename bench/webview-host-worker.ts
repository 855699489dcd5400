/**
 * The benchmark's stand-in for the extension host, in a worker: like the real host (another
 * process), it builds and serialises the messages off the webview's main thread; the page relays
 * them to the webview as window `message` events, as VS Code's webview frame does.
 */
import { generateEvents, type GeneratedEvent } from './webview-events';

interface WorkerScope {
  onmessage: ((e: { data: HostCommand }) => void) | null;
  postMessage(m: unknown): void;
}

export type HostCommand =
  | { readonly prepare: { readonly taskId: string; readonly events: number; readonly seed: number } }
  | { readonly go: { readonly taskId: string; readonly batch: number } };

const scope = globalThis as unknown as WorkerScope;
let events: GeneratedEvent[] = [];

scope.onmessage = (e) => {
  const cmd = e.data;
  if ('prepare' in cmd) {
    events = generateEvents(cmd.prepare);
    const calls = events.filter((x) => x.type === 'call.request' || x.type === 'call.error').length;
    scope.postMessage({ prepared: { events: events.length, calls } });
    return;
  }
  const { taskId, batch } = cmd.go;
  scope.postMessage({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId },
    tasks: [],
  });
  for (let i = 0; i < events.length; i += batch)
    scope.postMessage({ type: 'events', taskId, events: events.slice(i, i + batch) });
};
