import net, { type AddressInfo } from 'node:net';

/** What the upstream does with one request, once its head and (Content-Length) body are in. */
export type UpstreamAct = (socket: net.Socket) => void;

export interface ScriptedUpstream {
  /** Give this to the gateway's --upstream. */
  readonly url: string;
  /** Answers every request from now on this way. */
  act: UpstreamAct;
  /** Requests seen (method and path). */
  readonly seen: string[];
  /** How many connections the gateway has opened. */
  readonly connections: number;
  /** When (Date.now()) the gateway ended a connection itself (its FIN), in order. */
  readonly endedByGateway: number[];
  close(): Promise<void>;
}

/**
 * An upstream speaking raw bytes, for answers no HTTP server library would send: protocol
 * switches, garbage, resets, cut bodies. Requests are framed by Content-Length only.
 */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const sockets = new Set<net.Socket>();
  const seen: string[] = [];
  const endedByGateway: number[] = [];
  let connections = 0;
  const state: { act: UpstreamAct } = { act: (s) => s.destroy() };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    connections++;
    socket.on('end', () => endedByGateway.push(Date.now()));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        buf = buf.subarray(end + 4 + length);
        seen.push(head.split(' ', 2).join(' '));
        state.act(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get act() {
      return state.act;
    },
    set act(a: UpstreamAct) {
      state.act = a;
    },
    seen,
    get connections() {
      return connections;
    },
    endedByGateway,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
