/**
 * `{@attach listen('change', fn)}`: a direct listener. @vscode-elements controls dispatch
 * `change` without bubbling, which Svelte's delegated `onchange` (one listener at the root) would
 * never see.
 */
import type { Attachment } from 'svelte/attachments';

export function listen<E extends Event = Event>(type: string, handler: (event: E) => void): Attachment {
  return (element) => {
    const fn = (event: Event): void => handler(event as E);
    element.addEventListener(type, fn);
    return () => element.removeEventListener(type, fn);
  };
}

/** The `value` of the control that fired an event (native or @vscode-elements). */
export function valueOf(event: Event): string {
  const v = (event.currentTarget as { value?: unknown } | null)?.value;
  return typeof v === 'string' ? v : '';
}
