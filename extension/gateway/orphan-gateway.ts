import { CONTROL_PREFIX } from '../../gateway/protocol';
import { readGatewayInfo } from '../../gateway/server/data-dir';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Does an Airlock gateway answer on this port? (Its control API answers even without a token.) */
async function isAirlockGateway(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${CONTROL_PREFIX}/health`, {
      signal: AbortSignal.timeout(1_500),
    });
    const body = (await res.json()) as { ok?: boolean; error?: { code?: string } };
    return body.ok === true || body.error?.code === 'Unauthorized';
  } catch {
    return false;
  }
}

/**
 * A gateway left running on this data dir by an extension host that died without stopping it
 * (a crash, a kill): two gateways must never share a journal, so it is stopped. Only a process
 * that is alive AND answers as an Airlock gateway on the port its gateway.json names is signalled,
 * so a recycled pid is never hit. Returns that port, which the new gateway should take so that
 * terminals opened before the crash keep working.
 */
export async function stopOrphanGateway(
  dataDir: string,
  log: (line: string) => void,
): Promise<number | undefined> {
  const info = await readGatewayInfo(dataDir);
  if (!info || info.pid === process.pid) return undefined;
  if (!alive(info.pid)) return info.port;
  if (!(await isAirlockGateway(info.port))) return undefined;
  log(`Airlock: stopping a gateway left running by an earlier session (pid ${info.pid}, port ${info.port})`);
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return info.port;
  }
  for (let waited = 0; waited < 6_000 && alive(info.pid); waited += 100)
    await new Promise((r) => setTimeout(r, 100));
  if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
  return info.port;
}
