// The whole timeline app mounted on a DOM, as the component tests drive it.
import assert from 'node:assert/strict';
import App from '../../src/components/App.svelte';
import type { HostMessage, TaskSummary, WebviewMessage } from '../../src/protocol';
import { AppState } from '../../src/state/app-state.svelte';
import { ManualFrames } from './frames';
import { render, type Rendered } from './render';

export function summary(
  taskId: string,
  name: string,
  startedAt: string,
  extra: Partial<TaskSummary> = {},
): TaskSummary {
  return {
    task: {
      taskId,
      name,
      accessKeyId: 'K',
      startedBy: 'dev',
      startedAt,
      expiresAt: startedAt,
      endedAt: startedAt,
      state: 'ended',
    },
    counts: { calls: 12, allowed: 9, denied: 2, approved: 1, pending: 0, masked: 3, refused: 0, failed: 0 },
    ...extra,
  };
}

export function mountApp(init: Omit<Extract<HostMessage, { type: 'init' }>, 'type' | 'protocol'>): {
  app: AppState;
  posted: WebviewMessage[];
  frames: ManualFrames;
  ui: Rendered;
} {
  const posted: WebviewMessage[] = [];
  const frames = new ManualFrames();
  const app = new AppState((m) => posted.push(m), frames);
  const ui = render(App, { app });
  app.start();
  ui.act(() => app.receive({ type: 'init', protocol: 1, ...init }));
  return { app, posted, frames, ui };
}

export function rows(ui: Rendered): HTMLElement[] {
  return [...ui.target.querySelectorAll<HTMLElement>('.calls [role="option"]')];
}

export function row(ui: Rendered, callId: string): HTMLElement {
  const r = ui.target.querySelector<HTMLElement>(`[data-call-id="${callId}"]`);
  assert.ok(r, `row ${callId} rendered`);
  return r;
}
