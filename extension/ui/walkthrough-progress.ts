import type { GatewayEvent } from '../../gateway/protocol';
import type { GatewayState } from '../gateway/gateway-supervisor';

/**
 * The context keys the "Get started" walkthrough's steps complete on (`onContext:` in
 * package.json). Each is set when the thing really happened (the gateway answered, a call was
 * recorded, a task started, a session was shown), not when a step's button was clicked, so a step
 * done another way (a terminal opened by hand, a task started from the CLI) is ticked too.
 */
export const WALKTHROUGH = {
  gatewayRunning: 'airlock.walkthrough.gatewayRunning',
  callRecorded: 'airlock.walkthrough.callRecorded',
  timelineShown: 'airlock.walkthrough.timelineShown',
  agentTaskStarted: 'airlock.walkthrough.agentTaskStarted',
} as const;

export type WalkthroughKey = (typeof WALKTHROUGH)[keyof typeof WALKTHROUGH];

export function walkthroughKeyForState(state: GatewayState): WalkthroughKey | undefined {
  return state.kind === 'running' ? WALKTHROUGH.gatewayRunning : undefined;
}

/** `workspaceTaskId`: the always-on task; its start is not the user giving an agent a task. */
export function walkthroughKeyForEvent(
  event: GatewayEvent,
  workspaceTaskId: string | undefined,
): WalkthroughKey | undefined {
  if (event.type === 'call.recorded') return WALKTHROUGH.callRecorded;
  if (event.type === 'task.started' && event.task.taskId !== workspaceTaskId)
    return WALKTHROUGH.agentTaskStarted;
  return undefined;
}
