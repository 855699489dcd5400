// What the kernel says about processes (Linux /proc): which one listens on a port, its command
// line, its parent. Tests use it to find the process that really serves a gateway's port.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The inodes of the TCP sockets listening on `port` (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6'])
    for (const line of readOr(table, '').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address, state 0A = LISTEN, inode in column 10.
      if (f[1]?.endsWith(portHex) && f[3] === '0A' && f[9]) inodes.add(f[9]);
    }
  return inodes;
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** The pids of the processes holding a socket that listens on `port`. */
export function pidsListeningOn(port: number): number[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const found: number[] = [];
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]!);
      } catch {
        return false;
      }
    });
    if (holds) found.push(pid);
  }
  return found;
}

/** argv of a live process, as the kernel has it. */
export function commandLine(pid: number): string[] {
  return readOr(`/proc/${pid}/cmdline`, '').split('\0').slice(0, -1);
}

/** The environment a process was started with (`NAME=value` entries). */
export function startEnvironment(pid: number): string[] {
  return readOr(`/proc/${pid}/environ`, '').split('\0').slice(0, -1);
}

/** State letter, parent pid and process group; undefined once the process is gone. */
function stat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  const s = readOr(`/proc/${pid}/stat`, '');
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return rest.length > 2 ? { state: rest[0]!, ppid: Number(rest[1]), pgrp: Number(rest[2]) } : undefined;
}

/** Alive and not a zombie (a zombie is dead; only its exit status waits to be collected). */
export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

export function parentOf(pid: number): number | undefined {
  return stat(pid)?.ppid;
}

/** The process group a terminal's signals (Ctrl-C, hang-up) go to as a whole. */
export function processGroupOf(pid: number): number | undefined {
  return stat(pid)?.pgrp;
}

/** The running processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  return pids().filter((p) => parentOf(p) === pid && isRunning(p));
}
