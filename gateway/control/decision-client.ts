import type { IncomingMessage } from 'node:http';
import { CLIENT_HEADER, type DecisionClient } from '../protocol';
import { peerProcess } from './peer-process';

const DECLARED_MAX = 200;

/** The client's name for itself, printable and bounded; `unknown client` when it gave none. */
export function declaredClient(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value.join(', ') : value;
  if (v === undefined || v.trim() === '') return 'unknown client';
  const clean = v.trim().replace(/[^\x20-\x7e]/g, '?');
  return clean.length > DECLARED_MAX ? `${clean.slice(0, DECLARED_MAX - 1)}…` : clean;
}

/**
 * Who a control-API request comes from, for the record of a decision: what the client says it is
 * (CLIENT_HEADER), the connection it came on, and what the OS says holds that connection.
 */
export async function decisionClient(req: IncomingMessage): Promise<DecisionClient> {
  const declared = declaredClient(req.headers[CLIENT_HEADER]);
  const s = req.socket;
  if (s.remoteAddress === undefined || s.remotePort === undefined) return { declared };
  const address = `${s.remoteAddress}:${s.remotePort}`;
  const peer =
    s.localAddress !== undefined && s.localPort !== undefined
      ? await peerProcess(
          { address: s.remoteAddress, port: s.remotePort },
          { address: s.localAddress, port: s.localPort },
        )
      : {};
  return { declared, address, ...peer };
}
