// Its own small bundle (dist/relaunch-gateway.js), loaded by bin/airlock.js before the gateway's:
// a process that relaunches stays a bare Node (it never loads the gateway), and waits.
import { spawn } from 'node:child_process';
import inspector from 'node:inspector';
import { constants } from 'node:os';
import { missingRuntimeFlags, RELAUNCHED_ENV } from '../server/runtime-flags';

const RELAYED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * For `airlock gateway`: when this Node was started without the gateway's runtime flags (a user's
 * `npx airlock gateway`), runs the gateway in a child Node started with them and returns true; this
 * process then only relays signals to it and exits as it did. Returns false when this process is
 * to run the gateway itself (the flags are there, it is that child, or a debugger can attach to it).
 *
 * The child gets the same Node, Node flags (execArgv; NODE_OPTIONS with the environment), script,
 * arguments and stdio, so its ready line and log reach whoever reads this process's. Outside
 * Windows it runs in a session of its own, so a terminal's Ctrl-C reaches it once, through this
 * process, rather than twice (a second signal stops the gateway at once). On Windows the console
 * sends Ctrl-C to both, and a relayed signal would terminate it outright, so nothing is relayed.
 * It holds an IPC channel to this process and stops cleanly when that closes, however this process
 * ended (gateway/cli/stop-request.ts).
 */
export function relaunchGateway(): boolean {
  if (process.env[RELAUNCHED_ENV] !== undefined) {
    // The marker has done its job; processes the gateway starts must not inherit it.
    delete process.env[RELAUNCHED_ENV];
    return false;
  }
  const missing = missingRuntimeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length === 0) return false;
  // Someone is debugging this process (--inspect): the gateway must run where the debugger is.
  // A child would inherit the flag, find the inspector's port taken by this process and run
  // undebugged; its memory tuning matters less than that.
  if (inspector.url() !== undefined) {
    process.stderr.write(
      `airlock: a debugger can attach to this process, so the gateway runs in it, without ${missing.join(' ')}\n`,
    );
    return false;
  }

  const relay = process.platform !== 'win32';
  // Installed before the child exists: it may print its ready line, and be signalled, at once.
  const handlers = RELAYED.map((signal) => {
    const handler = (): void => {
      if (relay) child.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const child = spawn(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], {
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: relay,
  });
  child.on('error', (e) => {
    process.stderr.write(`airlock: could not start the gateway: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Ended by a signal: so does this process, for whoever waits on it.
    for (const [s, handler] of handlers) process.off(s, handler);
    process.exitCode = 128 + (constants.signals[signal] ?? 0);
    process.kill(process.pid, signal);
  });
  return true;
}
