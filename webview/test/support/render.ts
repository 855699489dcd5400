/** Mounts a component into the jsdom document (import ./dom first) and flushes Svelte's updates. */
import { flushSync, mount, unmount, type Component } from 'svelte';

export interface Rendered {
  readonly target: HTMLElement;
  /** Runs `fn`, then flushes pending DOM updates. */
  act(fn?: () => void): void;
  destroy(): void;
}

export function render<P extends Record<string, unknown>>(component: Component<P>, props: P): Rendered {
  const target = document.createElement('div');
  document.body.append(target);
  const instance = mount(component, { target, props });
  flushSync();
  return {
    target,
    act(fn) {
      fn?.();
      flushSync();
    },
    destroy() {
      void unmount(instance);
      target.remove();
    },
  };
}

export function key(target: EventTarget, key: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}

/** Sets a control's value the way @vscode-elements does, then fires the event it fires. */
export function setValue(el: Element, value: string, type: 'input' | 'change'): void {
  (el as unknown as { value: string }).value = value;
  el.dispatchEvent(new Event(type));
}
