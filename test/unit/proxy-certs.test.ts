import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { LeafCertificates } from '../../gateway/proxy/leaf-certs';
import { CA_CERT_FILE, CA_KEY_FILE, loadOrCreateCa, type LocalCa } from '../../gateway/proxy/local-ca';
import { publicCaFile, publishCaCert } from '../../gateway/proxy/public-ca';

void describe('proxy mode: local CA', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-ca-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('is created at first start: key 0600, a CA certificate next to it', async () => {
    const ca = await loadOrCreateCa(dir);
    assert.equal((await stat(join(dir, CA_KEY_FILE))).mode & 0o777, 0o600);
    const cert = new X509Certificate(await readFile(join(dir, CA_CERT_FILE)));
    assert.equal(cert.ca, true);
    assert.ok(cert.checkPrivateKey(ca.key));
    assert.match(cert.subject, /CN=Airlock local CA [0-9a-f]{8}/);
    assert.doesNotMatch(await readFile(join(dir, CA_CERT_FILE), 'utf8'), /PRIVATE KEY/);
  });

  void test('is reused on the next start, and a lost certificate is re-issued for the same key', async () => {
    const first = await loadOrCreateCa(dir);
    const again = await loadOrCreateCa(dir);
    assert.equal(again.certPem, first.certPem);
    await writeFile(join(dir, CA_CERT_FILE), 'garbage');
    const reissued = await loadOrCreateCa(dir);
    assert.notEqual(reissued.certPem, first.certPem);
    assert.ok(new X509Certificate(reissued.certPem).checkPrivateKey(first.key));
  });

  void test('tightens a key file whose mode was loosened', async () => {
    const { chmod } = await import('node:fs/promises');
    await chmod(join(dir, CA_KEY_FILE), 0o644);
    await loadOrCreateCa(dir);
    assert.equal((await stat(join(dir, CA_KEY_FILE))).mode & 0o777, 0o600);
  });
});

void describe('proxy mode: the public copy of the CA certificate (AWS_CA_BUNDLE)', () => {
  let dir: string;
  let runtime: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-pubca-'));
    runtime = await mkdtemp(join(tmpdir(), 'airlock-runtime-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(runtime, { recursive: true, force: true });
  });

  void test('lives outside the data dir, world-readable, with exactly the certificate', async () => {
    const dataDir = join(dir, 'data');
    await mkdir(dataDir);
    const ca = await loadOrCreateCa(dataDir);
    const env = { XDG_RUNTIME_DIR: runtime };
    const file = await publishCaCert(dataDir, ca.certPem, env);
    assert.equal(file, publicCaFile(dataDir, env));
    assert.ok(relative(dataDir, file).startsWith('..'), file);
    assert.equal(await readFile(file, 'utf8'), ca.certPem);
    assert.equal((await stat(file)).mode & 0o777, 0o644);
    assert.equal((await stat(join(runtime, 'airlock'))).mode & 0o777, 0o700);
    // Another data dir gets its own copy; the same one keeps its path across restarts.
    assert.notEqual(publicCaFile(join(dir, 'other'), env), file);
    assert.equal(publicCaFile(dataDir, env), file);
  });

  void test('is rewritten at start: a tampered copy does not survive', async () => {
    const dataDir = join(dir, 'data');
    const ca = await loadOrCreateCa(dataDir);
    const env = { XDG_RUNTIME_DIR: runtime };
    const file = publicCaFile(dataDir, env);
    await writeFile(file, 'someone else\'s CA');
    await publishCaCert(dataDir, ca.certPem, env);
    assert.equal(await readFile(file, 'utf8'), ca.certPem);
  });

  void test('refuses a folder other users can write to', { skip: process.platform === 'win32' }, async () => {
    const shared = await mkdtemp(join(tmpdir(), 'airlock-shared-'));
    try {
      await mkdir(join(shared, 'airlock'));
      await chmod(join(shared, 'airlock'), 0o777);
      await assert.rejects(
        publishCaCert(join(dir, 'data'), 'pem', { XDG_RUNTIME_DIR: shared }),
        /not a folder only this user can write to/,
      );
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  void test('never inside the data dir, even when the runtime dir is', async () => {
    await assert.rejects(
      publishCaCert(dir, 'pem', { XDG_RUNTIME_DIR: dir }),
      /outside the data dir/,
    );
  });
});

void describe('proxy mode: leaf certificates', () => {
  let dir: string;
  let ca: LocalCa;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-leaf-'));
    ca = await loadOrCreateCa(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('are issued by the CA for exactly the host', () => {
    const leaves = new LeafCertificates(ca);
    const host = 'my-bucket.s3.eu-west-1.amazonaws.com';
    const leaf = new X509Certificate(leaves.certificatePem(host));
    const caCert = new X509Certificate(ca.certPem);
    assert.ok(leaf.verify(caCert.publicKey));
    assert.ok(leaf.checkIssued(caCert));
    assert.equal(leaf.ca, false);
    assert.equal(leaf.subjectAltName, `DNS:${host}`);
    assert.equal(leaf.checkHost(host), host);
    assert.equal(leaf.checkHost('other.s3.eu-west-1.amazonaws.com'), undefined);
    assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  void test('hosts longer than a common name allows still get a SAN certificate', () => {
    const host = `${'b'.repeat(63)}.s3.dualstack.ap-southeast-2.amazonaws.com`;
    const leaf = new X509Certificate(new LeafCertificates(ca).certificatePem(host));
    assert.equal(leaf.checkHost(host), host);
  });

  void test('are cached, least recently used dropped first', () => {
    const leaves = new LeafCertificates(ca, { maxEntries: 2 });
    const a = leaves.certificatePem('a.amazonaws.com');
    leaves.certificatePem('b.amazonaws.com');
    assert.equal(leaves.certificatePem('a.amazonaws.com'), a, 'a hit');
    leaves.certificatePem('c.amazonaws.com'); // evicts b, the least recent
    assert.equal(leaves.minted, 3);
    assert.equal(leaves.size, 2);
    assert.equal(leaves.certificatePem('a.amazonaws.com'), a);
    assert.equal(leaves.minted, 3);
    leaves.certificatePem('b.amazonaws.com');
    assert.equal(leaves.minted, 4);
  });

  void test('are re-minted when they near expiry', () => {
    let now = Date.now();
    const leaves = new LeafCertificates(ca, { now: () => now });
    const first = leaves.certificatePem('sts.amazonaws.com');
    now += 7 * 24 * 3_600_000;
    assert.notEqual(leaves.certificatePem('sts.amazonaws.com'), first);
    assert.equal(leaves.minted, 2);
  });

  void test('a TLS client trusting only the CA completes a handshake for the host', async () => {
    const leaves = new LeafCertificates(ca);
    const host = 'dynamodb.us-east-1.amazonaws.com';
    const server = createServer(
      { SNICallback: (name, cb) => cb(null, leaves.secureContext(name)) },
      (_q, r) => r.end('ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, servername: host, ca: ca.certPem }, () => {
          resolve(s.authorized);
          s.end();
        });
        s.on('error', reject);
      });
      assert.equal(authorized, true);
      const untrusted = await new Promise<string>((resolve) => {
        const s = connect({ host: '127.0.0.1', port, servername: host }, () => resolve('connected'));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      assert.match(untrusted, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
