import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ParentProxy, parentProxyFromEnv, proxyAuthorization } from '../../gateway/proxy/parent-proxy';
import { parseAbsoluteUri } from '../../gateway/proxy/plain-http';
import { authorityOf, isAwsHost, parseAuthority } from '../../gateway/proxy/proxy-target';

void describe('proxy mode: which hosts are intercepted', () => {
  void test('AWS API hosts of every partition', () => {
    for (const h of [
      'sts.amazonaws.com',
      'sts.us-east-1.amazonaws.com',
      'my-bucket.s3.eu-west-1.amazonaws.com',
      'dynamodb.cn-north-1.amazonaws.com.cn',
      'sqs.us-east-1.api.aws',
      'IAM.AMAZONAWS.COM',
    ])
      assert.ok(isAwsHost(h), h);
  });

  void test('look-alikes, IP addresses and malformed names are not AWS', () => {
    for (const h of [
      'amazonaws.com.evil.example',
      'evilamazonaws.com',
      'amazonaws.com',
      '54.239.28.85',
      'sts..amazonaws.com',
      'st s.amazonaws.com',
      '-bad.amazonaws.com',
      `${'a'.repeat(64)}.amazonaws.com`,
      'registry.npmjs.org',
    ])
      assert.equal(isAwsHost(h), false, h);
  });
});

void describe('proxy mode: CONNECT authorities and absolute URIs', () => {
  void test('host:port, IPv6 and defaults', () => {
    assert.deepEqual(parseAuthority('STS.amazonaws.com:443'), { host: 'sts.amazonaws.com', port: 443 });
    assert.deepEqual(parseAuthority('[::1]:8443'), { host: '::1', port: 8443 });
    assert.deepEqual(parseAuthority('example.com', 80), { host: 'example.com', port: 80 });
    assert.deepEqual(parseAuthority('example.com.:443'), { host: 'example.com', port: 443 });
    for (const bad of [
      'example.com',
      'a:b:c',
      'host:0',
      'host:65536',
      'host:-1',
      ':443',
      '[::1',
      'u@h:443',
      'h/x:443',
    ])
      assert.equal(parseAuthority(bad), undefined, bad);
    assert.equal(authorityOf({ host: 'sts.amazonaws.com', port: 443 }, 443), 'sts.amazonaws.com');
    assert.equal(authorityOf({ host: '::1', port: 8443 }, 443), '[::1]:8443');
  });

  void test('absolute URIs keep the path and query exactly as written', () => {
    assert.deepEqual(
      parseAbsoluteUri('http://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15'),
      {
        target: { host: 'sts.amazonaws.com', port: 80 },
        path: '/?Action=GetCallerIdentity&Version=2011-06-15',
      },
    );
    assert.deepEqual(parseAbsoluteUri('http://b.s3.amazonaws.com:8080/a%20b/c+d'), {
      target: { host: 'b.s3.amazonaws.com', port: 8080 },
      path: '/a%20b/c+d',
    });
    assert.equal(parseAbsoluteUri('http://h.example?x=1')?.path, '/?x=1');
    assert.equal(parseAbsoluteUri('http://h.example')?.path, '/');
    assert.equal(parseAbsoluteUri('https://h.example/'), undefined);
    assert.equal(parseAbsoluteUri('http:///x'), undefined);
  });
});

void describe('proxy mode: the gateway environment proxy', () => {
  const self = (): { host: string; port: number } => ({ host: '127.0.0.1', port: 4000 });

  void test('is read from the environment, lower case first, HTTPS falling back to HTTP', () => {
    const p = parentProxyFromEnv(
      { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2', HTTP_PROXY: 'http://h:3' },
      self,
    );
    assert.equal(p?.https?.host, 'low:1');
    assert.equal(p?.http?.host, 'h:3');
    assert.equal(parentProxyFromEnv({ HTTP_PROXY: 'corp:3128' }, self)?.https?.host, 'corp:3128');
    assert.equal(parentProxyFromEnv({}, self), undefined);
    assert.equal(parentProxyFromEnv({ HTTPS_PROXY: 'socks5://corp:1080' }, self), undefined);
  });

  void test('never chains to the gateway itself (started from a task terminal)', () => {
    assert.equal(parentProxyFromEnv({ HTTPS_PROXY: 'http://127.0.0.1:4000' }, self), undefined);
    assert.equal(parentProxyFromEnv({ HTTPS_PROXY: 'http://localhost:4000' }, self), undefined);
    assert.ok(parentProxyFromEnv({ HTTPS_PROXY: 'http://127.0.0.1:4001' }, self));
  });

  void test('NO_PROXY: names and their subdomains, ports, IPs, CIDRs, *', () => {
    const p = new ParentProxy(
      new URL('http://corp:3128'),
      undefined,
      'internal.example, .corp.test,git.example:22,10.0.0.0/8, ::1,[fe80::1]',
    );
    const t = (host: string, port = 443): boolean => p.bypasses({ host, port });
    assert.ok(t('internal.example'));
    assert.ok(t('a.internal.example'));
    assert.equal(t('notinternal.example'), false);
    assert.ok(t('x.corp.test'));
    assert.ok(t('corp.test'));
    assert.ok(t('git.example', 22));
    assert.equal(t('git.example', 443), false);
    assert.ok(t('10.1.2.3'));
    assert.equal(t('11.1.2.3'), false);
    assert.ok(t('::1'));
    assert.ok(t('fe80::1'));
    assert.equal(t('sts.amazonaws.com'), false);
    assert.equal(p.forTunnel({ host: 'sts.amazonaws.com', port: 443 })?.host, 'corp:3128');
    assert.equal(p.forTunnel({ host: 'a.internal.example', port: 443 }), undefined);
    assert.ok(new ParentProxy(undefined, undefined, '*').bypasses({ host: 'anything', port: 1 }));
  });

  void test('credentials in the proxy URL become Proxy-Authorization', () => {
    assert.equal(
      proxyAuthorization(new URL('http://us%40er:p%3Ass@corp:3128')),
      `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`,
    );
    assert.equal(proxyAuthorization(new URL('http://corp:3128')), undefined);
  });
});
