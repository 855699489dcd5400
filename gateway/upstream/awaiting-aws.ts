import type { Socket } from 'node:net';

/**
 * Agent connections whose call is out at AWS. Such a connection is silent because AWS is (a
 * synchronous Lambda Invoke may run its function's 15 minutes), not idle: the servers' idle
 * limit leaves it alone, and the upstream's own limit (`--upstream-timeout`) bounds the wait.
 */
const awaiting = new WeakSet<Socket>();

/** How long an agent connection may stay silent outside a call, on both ports (`--idle-timeout`). */
export const IDLE_TIMEOUT_MS = 120_000;

export function markAwaitingAws(socket: Socket | null, on: boolean): void {
  if (socket === null) return;
  if (on) awaiting.add(socket);
  else awaiting.delete(socket);
}

/** The servers' idle-timeout handler: drops a silent connection unless its call is out at AWS. */
export function dropIdleConnection(socket: Socket): void {
  if (!awaiting.has(socket)) socket.destroy();
}
