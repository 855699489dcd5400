// Dependency-free: imported by the small relaunching entry (dist/relaunch-gateway.js), the
// extension's supervisor and the bench, none of which should pull in the gateway.

/**
 * Runtime flags the gateway runs with, however it is started (the extension passes them; a bare
 * `airlock gateway` restarts itself with them: gateway/cli/relaunch-gateway.ts).
 * - A young generation of 2 MB semi-spaces instead of V8's default 16 MB: the gateway allocates
 *   many short-lived objects per call, and with the default the heap grows to its largest young
 *   generation under load and keeps it (RSS after the first call 80.6-81.0 MB, 91 MB with the
 *   default).
 *   Larger was tried (2026-12-06): 4 MB semi-spaces used 15% less CPU per call at 32 connections
 *   in one quiet alternated run (372-397 µs against 431-465), not in two noisier ones, and cost
 *   3 MB at start and 6 MB under load; the 1 GiB transfer after the load tests then peaked at
 *   145, 148 and 152 MB in three full bench runs (target 150; 138-142 with 2 MB). 3 MB peaked at
 *   146 and 152 MB in two shorter runs (200,000 calls, then the transfer). 8 MB (2026-12-07): 7-13%
 *   less CPU per call, 13 MB more under load, which that peak has no room for: the transfer itself
 *   adds 31-40 MB of dead stream buffers by a V8 rule no flag changes (docs/architecture-details.md).
 * - The old generation may grow by 60% between full collections instead of V8's own factor (up to
 *   4x for a fast-allocating process): under load the gateway's old space filled with garbage up
 *   to 85 MB around 50 MB live. Measured on a 2-vCPU VM, three runs each of 150,000 calls at 32
 *   connections then a 256 MiB S3 transfer: RSS under load 113-114 MB instead of 159-184, peak
 *   during the transfer 146-149 instead of 191-207, CPU per call 282-327 µs instead of 264-296,
 *   uploads through the gateway 670-690 MB/s instead of 1,070-1,200 (more collections while
 *   buffers stream). A 30% factor cut RSS by a further 8 MB for 10% more CPU per call.
 * Both must be given at start: `v8.setFlagsFromString` takes the growing factor later, but not the
 * semi-space size (the young generation is already laid out).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=60'];

/** Set in the environment of a relaunched gateway, so it never relaunches again. */
export const RELAUNCHED_ENV = 'AIRLOCK_GATEWAY_RELAUNCHED';

/** `--max_semi_space_size=4` → `max-semi-space-size`: V8 reads `_` and `-` alike. */
function flagName(arg: string): string | undefined {
  if (!arg.startsWith('--')) return undefined;
  const eq = arg.indexOf('=');
  return (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).replaceAll('_', '-');
}

/**
 * The runtime flags this Node process was started without, given its `process.execArgv` and
 * `NODE_OPTIONS` (which Node does not copy into execArgv). A flag given with another value counts
 * as given: whoever started Node chose that value.
 */
export function missingRuntimeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set<string>();
  for (const arg of [...execArgv, ...(nodeOptions ?? '').split(/\s+/)]) {
    const name = flagName(arg);
    if (name) given.add(name);
  }
  return GATEWAY_NODE_FLAGS.filter((flag) => !given.has(flagName(flag) ?? flag));
}
