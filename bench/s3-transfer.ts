// The 1 GiB S3 PUT and GET through the gateway, with the gateway's peak RSS while they run.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { startTask } from '../test/support/gateway-process';
import { startBenchGateway } from './bench-servers';
import type { PreparedRequest } from './load';
import { signed } from './signed-request';

type Creds = { accessKeyId: string; secretAccessKey: string };

export interface TransferResult {
  readonly putMBps: number;
  readonly getMBps: number;
  /** The peak before the transfer (whatever the gateway did until then). */
  readonly peakRssMbBefore: number;
  /** The peak while the PUT and GET ran. */
  readonly peakRssMb: number;
}

/** Resets the kernel's peak-RSS mark so the next reading covers only what follows. */
function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function transfer(r: PreparedRequest, bytes: number, upload: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port: r.port, method: r.method, path: r.path, headers: r.headers },
      (res) => {
        let got = 0;
        res.on('data', (c: Buffer) => (got += c.length));
        res.on('end', () => {
          if (res.statusCode !== 200 || (!upload && got !== bytes))
            reject(new Error(`status ${res.statusCode}, ${got} bytes`));
          else resolve(bytes / 1048576 / (Number(process.hrtime.bigint() - t0) / 1e9));
        });
      },
    );
    req.on('error', reject);
    if (!upload) return void req.end();
    const block = Buffer.alloc(1024 * 1024, 0x62);
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        left -= block.length;
        if (!req.write(block)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** PUT then GET `bytes` through the gateway at `port` (process `pid`) with a task's key. */
export async function measureTransfer(
  port: number,
  pid: number,
  taskCreds: Creds,
  bytes: number,
): Promise<TransferResult> {
  const put = await signed(port, taskCreds, 's3', 'PUT', '/bench/big.bin', {
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'content-length': String(bytes),
  });
  const get = await signed(port, taskCreds, 's3', 'GET', `/bench/size-${bytes}`, {
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  });
  const peakRssMbBefore = peakRssMb(pid);
  resetPeakRss(pid);
  const putMBps = await transfer(put, bytes, true);
  const getMBps = await transfer(get, bytes, false);
  return {
    putMBps: Math.round(putMBps),
    getMBps: Math.round(getMBps),
    peakRssMbBefore,
    peakRssMb: peakRssMb(pid),
  };
}

/** The same transfer through a gateway started for it alone. */
export async function freshGatewayTransfer(
  stubPort: number,
  realCreds: Creds,
  bytes: number,
): Promise<TransferResult> {
  const gw = await startBenchGateway(stubPort, realCreds);
  try {
    const task = await startTask(gw, ['--name', 'bench-transfer']);
    const creds = {
      accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY!,
    };
    return await measureTransfer(gw.port, gw.proc.pid!, creds, bytes);
  } finally {
    await gw.dispose();
  }
}
