import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecisionClientProcess } from '../protocol';

/** One end of a TCP connection. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface PeerInfo {
  /** Owner of the client's socket, from the kernel's socket table. */
  readonly uid?: number;
  readonly process?: DecisionClientProcess;
}

const COMMAND_MAX = 300;
/** Gives up past this: naming the client must never hold a decision up for long. */
const LOOKUP_BUDGET_MS = 1500;

/** `127.0.0.1:54321` as /proc/net/tcp writes it: the address as a little-endian word, hex. */
function procTcpEndpoint(e: Endpoint): string | undefined {
  const parts = e.address.replace(/^::ffff:/, '').split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  const word = parts
    .reverse()
    .map((p) => Number(p).toString(16).padStart(2, '0'))
    .join('');
  return `${word}:${e.port.toString(16).padStart(4, '0')}`.toUpperCase();
}

/** The socket inode and owner of the client end of `client` → `server` (its local is `client`). */
async function socketOf(
  procRoot: string,
  client: Endpoint,
  server: Endpoint,
): Promise<{ inode: string; uid: number } | undefined> {
  const local = procTcpEndpoint(client);
  const remote = procTcpEndpoint(server);
  if (!local || !remote) return undefined;
  const table = await readFile(join(procRoot, 'net', 'tcp'), 'utf8').catch(() => '');
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local && f[2] === remote && f[9] !== undefined && f[9] !== '0')
      return { inode: f[9], uid: Number(f[7]) };
  }
  return undefined;
}

async function commandOf(procRoot: string, pid: number): Promise<string | undefined> {
  const raw = await readFile(join(procRoot, String(pid), 'cmdline')).catch(() => undefined);
  if (!raw || raw.length === 0) return undefined;
  const text = raw.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  // Printable only: it ends up in logs and terminals.
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > COMMAND_MAX ? `${clean.slice(0, COMMAND_MAX - 1)}…` : clean;
}

async function parentOf(procRoot: string, pid: number): Promise<number | undefined> {
  const stat = await readFile(join(procRoot, String(pid), 'stat'), 'utf8').catch(() => '');
  // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so read after the last ')'.
  const after = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const ppid = Number(after[1]);
  return Number.isSafeInteger(ppid) && ppid > 0 ? ppid : undefined;
}

async function holderOf(procRoot: string, inode: string, deadline: number): Promise<number | undefined> {
  const target = `socket:[${inode}]`;
  // Newest first: a CLI started a moment ago is found at once.
  const pids = (await readdir(procRoot).catch(() => [] as string[]))
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(b) - Number(a));
  for (const pid of pids) {
    if (Date.now() > deadline) return undefined;
    const dir = join(procRoot, pid, 'fd');
    // Other users' processes are unreadable: skipped, as they should be.
    const fds = await readdir(dir).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(join(dir, fd)).catch(() => '');
      if (link === target) return Number(pid);
    }
  }
  return undefined;
}

/**
 * Who is at the other end of a loopback connection to the gateway, as the kernel says (Linux):
 * the socket's owner uid, and — when the gateway may read it (same user) — the process holding
 * it, its command line and its parent's. A control-API client can claim any name in a header;
 * it cannot choose these. Elsewhere, or when nothing is found in time, the answer is empty.
 */
export async function peerProcess(
  client: Endpoint,
  server: Endpoint,
  procRoot = '/proc',
  platform: NodeJS.Platform = process.platform,
): Promise<PeerInfo> {
  if (platform !== 'linux') return {};
  const deadline = Date.now() + LOOKUP_BUDGET_MS;
  const socket = await socketOf(procRoot, client, server);
  if (!socket) return {};
  const pid = await holderOf(procRoot, socket.inode, deadline);
  const uid = Number.isSafeInteger(socket.uid) ? { uid: socket.uid } : {};
  if (pid === undefined) return uid;
  const command = (await commandOf(procRoot, pid)) ?? '?';
  const ppid = await parentOf(procRoot, pid);
  const parentCommand = ppid === undefined ? undefined : await commandOf(procRoot, ppid);
  return {
    ...uid,
    process: {
      pid,
      command,
      ...(ppid !== undefined ? { parent: { pid: ppid, command: parentCommand ?? '?' } } : {}),
    },
  };
}
