import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { PARTITIONS } from '../../gateway/aws/partitions';
import { CA_CERT_FILE, CA_KEY_FILE } from '../../gateway/proxy/local-ca';
import { setupProxyMode, type ProxyMode } from '../../gateway/proxy/proxy-mode';
import {
  STANDIN_LEAF_LIFETIME_MS,
  STANDIN_LEAF_RENEW_MS,
  standInHostPatterns,
} from '../../gateway/proxy/standin-leaf';
import { STANDIN_TLS_FILE } from '../../gateway/proxy/standin-tls-file';
import type { Logger, LogLevel } from '../../gateway/server/logger';

interface Line {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields?: Record<string, unknown>;
}

function memoryLog(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  return { lines, log: (level, msg, fields) => lines.push({ level, msg, ...(fields ? { fields } : {}) }) };
}

/** Proxy mode as the gateway sets it up at start, on `dataDir`. */
function start(dataDir: string, runtime: string, log: Logger = memoryLog()): Promise<ProxyMode> {
  return setupProxyMode({
    dataDir,
    env: { XDG_RUNTIME_DIR: runtime },
    log,
    self: () => ({ host: '127.0.0.1', port: 1 }),
    onAwsRequest: () => undefined,
  });
}

interface StandIn {
  readonly pem: string;
  readonly cert: X509Certificate;
  readonly sans: string[];
}

async function readStandIn(dataDir: string): Promise<StandIn> {
  const pem = await readFile(join(dataDir, STANDIN_TLS_FILE), 'utf8');
  const cert = new X509Certificate(pem);
  const sans = (cert.subjectAltName ?? '').split(', ').map((s) => s.replace(/^DNS:/, ''));
  return { pem, cert, sans };
}

void describe("proxy mode: the stand-in's certificate", () => {
  let dir: string;
  let dataDir: string;
  let runtime: string;
  const started: ProxyMode[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-standin-leaf-'));
    dataDir = join(dir, 'data');
    runtime = join(dir, 'run');
    await mkdir(dataDir, { mode: 0o700 });
    await mkdir(runtime, { mode: 0o700 });
  });
  after(async () => {
    for (const p of started) p.close();
    await rm(dir, { recursive: true, force: true });
  });

  void test('is written at start: 0600, its own key, a server leaf signed by the local CA', async () => {
    const t0 = Date.now();
    started.push(await start(dataDir, runtime));
    const file = join(dataDir, STANDIN_TLS_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const { pem, cert } = await readStandIn(dataDir);
    const caCert = new X509Certificate(await readFile(join(dataDir, CA_CERT_FILE)));
    const caKey = createPrivateKey(await readFile(join(dataDir, CA_KEY_FILE)));
    assert.equal(cert.ca, false);
    assert.ok(cert.checkIssued(caCert), 'issued by the CA');
    assert.ok(cert.verify(caCert.publicKey), 'signed with the CA key');
    const key = createPrivateKey(pem);
    assert.ok(cert.checkPrivateKey(key), 'the file holds the key of its certificate');
    // The stand-in can present this leaf and nothing else: the CA key is not in the file.
    assert.ok(!cert.checkPrivateKey(caKey));
    assert.notEqual(
      createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('hex'),
      createPublicKey(caKey).export({ format: 'der', type: 'spki' }).toString('hex'),
    );
    assert.ok(!pem.includes(caKey.export({ format: 'pem', type: 'pkcs8' }).toString().split('\n')[1]!));
    assert.equal(pem.match(/-----BEGIN [A-Z ]+-----/g)?.length, 2, 'one key, one certificate');
    assert.equal(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), true, 'serverAuth');
    // A few days, not the CA's ten years, from an hour before it was issued. Certificate times
    // hold whole seconds, so they are compared with t0 truncated the same way (measured from t0
    // itself, a start that crossed a second boundary read as 7 ms too long).
    const hour = 3_600_000;
    const from = Date.parse(cert.validFrom);
    assert.ok(from >= Math.floor(t0 / 1000) * 1000 - hour && from <= Date.now() - hour, cert.validFrom);
    assert.equal(Date.parse(cert.validTo) - from, STANDIN_LEAF_LIFETIME_MS + hour);
  });

  void test('names the AWS hosts of every region the SDK partitions list, and nothing else', async () => {
    const { cert, sans } = await readStandIn(dataDir);
    assert.deepEqual(sans, standInHostPatterns());
    const aws = PARTITIONS.find((p) => p.id === 'aws');
    assert.ok(aws && aws.regions.length > 30, 'the commercial partition and its regions');
    for (const r of [...aws.regions, 'us-gov-west-1', 'cn-north-1']) {
      const suffix = r.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      assert.ok(sans.includes(`*.${r}.${suffix}`), r);
      assert.ok(sans.includes(`*.s3.${r}.${suffix}`), r);
    }
    for (const host of [
      'sts.amazonaws.com',
      'sts.us-east-1.amazonaws.com',
      'dynamodb.ap-southeast-5.amazonaws.com',
      's3.amazonaws.com',
      'my-bucket.s3.amazonaws.com',
      'my-bucket.s3.eu-west-2.amazonaws.com',
      '123456789012.s3-control.us-west-2.amazonaws.com',
      'ec2.us-west-2.api.aws',
      'sts.cn-north-1.amazonaws.com.cn',
    ])
      assert.ok(cert.checkHost(host), host);
    for (const host of ['example.com', 'amazonaws.com.evil.test', 'a.b.c.amazonaws.com', 'ca.c2s.ic.gov'])
      assert.equal(cert.checkHost(host), undefined, host);
    // 243 names today: well within what TLS stacks accept (OpenSSL, Node, Python, CLI v2 run it).
    assert.ok(cert.raw.length < 16_384, `${cert.raw.length} bytes`);
  });

  void test('is re-issued at every start: a new key and certificate', async () => {
    const before = await readStandIn(dataDir);
    started.push(await start(dataDir, runtime));
    const again = await readStandIn(dataDir);
    assert.notEqual(again.cert.serialNumber, before.cert.serialNumber);
    assert.notEqual(
      createPublicKey(createPrivateKey(again.pem)).export({ format: 'pem', type: 'spki' }),
      createPublicKey(createPrivateKey(before.pem)).export({ format: 'pem', type: 'spki' }),
    );
  });

  void test('is renewed while the gateway runs, and no longer once proxy mode is closed', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const mode = await start(dataDir, runtime);
      const first = (await readStandIn(dataDir)).cert.serialNumber;
      mock.timers.tick(STANDIN_LEAF_RENEW_MS);
      const deadline = Date.now() + 5_000;
      let renewed = first;
      while (renewed === first && Date.now() < deadline) {
        await new Promise((r) => setImmediate(r));
        renewed = await readStandIn(dataDir)
          .then((s) => s.cert.serialNumber)
          .catch(() => first);
      }
      assert.notEqual(renewed, first, 'renewed after a day');
      mode.close();
      mock.timers.tick(2 * STANDIN_LEAF_RENEW_MS);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await readStandIn(dataDir)).cert.serialNumber, renewed, 'not renewed after close');
    } finally {
      mock.timers.reset();
    }
  });

  void test('a data dir that cannot take it does not fail the start; the log says so without secrets', async () => {
    const other = join(dir, 'blocked');
    await mkdir(other, { mode: 0o700 });
    // A non-empty directory where the file goes: the rename over it fails.
    await mkdir(join(other, STANDIN_TLS_FILE, 'x'), { recursive: true });
    const log = memoryLog();
    started.push(await start(other, runtime, log));
    const warn = log.lines.find((l) => l.level === 'warn');
    assert.match(warn?.msg ?? '', /stand-in certificate/);
    const text = JSON.stringify(log.lines);
    assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE/);
  });
});
