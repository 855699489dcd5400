/**
 * A jsdom window as the global scope, installed before Svelte's client runtime loads (import this
 * module first). Svelte reads DOM prototypes once, at its first mount.
 */
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'https://webview.test/',
  pretendToBeVisual: true,
});
const win = dom.window as unknown as Window & typeof globalThis;

// Everything the window has and Node's global scope lacks: DOM classes, events, observers.
const target = globalThis as Record<string, unknown>;
const source = win as unknown as Record<string, unknown>;
for (const name of Object.getOwnPropertyNames(win)) {
  // Node has its own Event classes; events dispatched on DOM nodes must be jsdom's.
  if ((name in globalThis && !/^(Custom|Message)?Event$/.test(name)) || name.startsWith('_')) continue;
  const value = source[name];
  target[name] =
    typeof value === 'function' && !/^[A-Z]/.test(name) ? (value as () => unknown).bind(win) : value;
}
for (const name of [
  'window',
  'document',
  'navigator',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
]) {
  const value = source[name];
  Object.defineProperty(globalThis, name, {
    value: typeof value === 'function' ? (value as () => unknown).bind(win) : value,
    configurable: true,
    writable: true,
  });
}

/** The jsdom window the tests render into. */
export const testWindow = win;
