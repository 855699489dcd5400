import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decisionClient, declaredClient } from '../../gateway/control/decision-client';
import { peerProcess } from '../../gateway/control/peer-process';
import { CLIENT_HEADER, type DecisionClient } from '../../gateway/protocol';

void test('the declared name is what the client sent, printable and bounded; none is "unknown client"', () => {
  assert.equal(declaredClient(undefined), 'unknown client');
  assert.equal(declaredClient('  '), 'unknown client');
  assert.equal(declaredClient('airlock-cli approve pid=1'), 'airlock-cli approve pid=1');
  assert.equal(declaredClient('evil\u001b[2Jname'), 'evil?[2Jname');
  assert.ok(declaredClient('x'.repeat(5000)).length <= 200);
  assert.equal(declaredClient(['a', 'b']), 'a, b');
});

void test(
  'a real loopback request: the gateway names the process at the other end, whatever it declares',
  { skip: process.platform !== 'linux' && 'the process behind a socket is read from /proc' },
  async () => {
    let seen: DecisionClient | undefined;
    const server = http.createServer((req, res) => {
      void decisionClient(req).then((c) => {
        seen = c;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [CLIENT_HEADER]: 'airlock-vscode/9 (lying)' },
      });
      await r.text();
      assert.equal(seen?.declared, 'airlock-vscode/9 (lying)');
      assert.match(seen?.address ?? '', /^127\.0\.0\.1:\d+$/);
      assert.equal(seen?.uid, process.getuid?.());
      // The fetch above came from this very process: that is who the gateway names.
      assert.equal(seen?.process?.pid, process.pid);
      assert.match(seen?.process?.command ?? '', /node/);
      assert.equal(seen?.process?.parent?.pid, process.ppid);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  },
);

void test('reads the socket table and fds the way Linux lays them out; other platforms get nothing', async () => {
  const root = await mkdtemp(join(tmpdir(), 'airlock-proc-'));
  try {
    await mkdir(join(root, 'net'));
    // Client 127.0.0.1:50000 → gateway 127.0.0.1:4000, socket inode 777, uid 1000.
    await writeFile(
      join(root, 'net', 'tcp'),
      [
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
        '   0: 0100007F:0FA0 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 776 1 0 20 4 30 10 -1',
        '   1: 0100007F:C350 0100007F:0FA0 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0 20 4 30 10 -1',
      ].join('\n'),
    );
    for (const [pid, ppid, cmd, fds] of [
      [10, 1, 'bash\0', ['socket:[1]']],
      [20, 10, 'node\0/usr/bin/airlock\0approve\0apr-1\0', ['/dev/null', 'socket:[777]']],
      [30, 1, 'node\0gateway\0', ['socket:[776]']],
    ] as const) {
      const dir = join(root, String(pid));
      await mkdir(join(dir, 'fd'), { recursive: true });
      await writeFile(join(dir, 'cmdline'), cmd);
      await writeFile(join(dir, 'stat'), `${pid} (weird) name) S ${ppid} 0 0`);
      for (const [i, target] of fds.entries()) await symlink(target, join(dir, 'fd', String(i)));
    }
    const client = { address: '127.0.0.1', port: 50000 };
    const gateway = { address: '127.0.0.1', port: 4000 };
    assert.deepEqual(await peerProcess(client, gateway, root, 'linux'), {
      uid: 1000,
      process: {
        pid: 20,
        command: 'node /usr/bin/airlock approve apr-1',
        parent: { pid: 10, command: 'bash' },
      },
    });
    assert.deepEqual(await peerProcess({ ...client, port: 50001 }, gateway, root, 'linux'), {});
    assert.deepEqual(await peerProcess(client, gateway, root, 'darwin'), {});
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
