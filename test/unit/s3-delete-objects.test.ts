import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import { mapToIam } from '../../gateway/aws/iam-map';
import { decisionNeedsBody, withPayloadParams } from '../../gateway/aws/payload-params';
import { parseDeleteObjects, type DeleteObjectsEntry } from '../../gateway/aws/s3-delete-objects';
import type { Identified, RequestView } from '../../gateway/aws/types';
import { mulberry32 } from '../support/mulberry32';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function objects(xml: string | Buffer): readonly DeleteObjectsEntry[] {
  const r = parseDeleteObjects(Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8'));
  assert.ok(r.ok, `should be read: ${r.ok ? '' : r.reason}\n${String(xml)}`);
  return r.objects;
}

function malformed(xml: string | Buffer, why?: RegExp): void {
  const r = parseDeleteObjects(Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8'));
  assert.ok(!r.ok, `should be refused: ${String(xml)} → ${JSON.stringify(r)}`);
  if (why) assert.match(r.reason, why, String(xml));
}

const wrap = (inner: string): string => `<Delete xmlns="${NS}">${inner}</Delete>`;

void describe('DeleteObjects body', () => {
  void test('reads what the SDKs send: keys, version ids, entities, namespaces, whitespace', () => {
    // Byte for byte what AWS CLI v1 / botocore sent for two objects (captured).
    assert.deepEqual(
      objects(
        `<Delete xmlns="${NS}"><Object><Key>secret/a.txt</Key></Object><Object><Key>x&amp;y &lt;z&gt;</Key><VersionId>v1</VersionId></Object></Delete>`,
      ),
      [{ key: 'secret/a.txt' }, { key: 'x&y <z>', versionId: 'v1' }],
    );
    // SDK v3 adds a declaration; pretty-printed documents (CRLF between elements) are fine.
    assert.deepEqual(
      objects(
        `<?xml version="1.0" encoding="UTF-8"?>\r\n<Delete xmlns="${NS}">\r\n  <Object>\r\n    <Key>a</Key>\r\n  </Object>\r\n  <Quiet>true</Quiet>\r\n</Delete>\r\n`,
      ),
      [{ key: 'a' }],
    );
    assert.deepEqual(
      objects(
        `<s3:Delete xmlns:s3="${NS}"><s3:Object><s3:Key>&#x73;ecret/&#47;b</s3:Key></s3:Object></s3:Delete>`,
      ),
      [{ key: 'secret//b' }],
    );
    assert.deepEqual(objects(wrap('<Object><Key><![CDATA[secret/<a>&amp;]]></Key></Object>')), [
      { key: 'secret/<a>&amp;' },
    ]);
    assert.deepEqual(objects(wrap('<Object><Key>päth/ü ñ/日本/😀 a\tb\nc&#13;d</Key></Object>')), [
      { key: 'päth/ü ñ/日本/😀 a\tb\nc\rd' },
    ]);
    assert.deepEqual(
      objects(
        wrap(
          '<Object><ETag>"e"</ETag><Key>k</Key><Size>3</Size><LastModifiedTime>t</LastModifiedTime></Object>',
        ),
      ),
      [{ key: 'k' }],
    );
    assert.deepEqual(objects(wrap('<Object ><Key >k</Key ></Object >')), [{ key: 'k' }]);
    const many = Array.from({ length: 1000 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('');
    assert.equal(objects(wrap(many)).length, 1000);
  });

  void test('refuses every document another reader could see other keys in', () => {
    const cases: Array<[string | Buffer, RegExp]> = [
      ['', /expected an element/],
      ['not xml', /expected an element/],
      [wrap(''), /no <Object>/],
      [wrap('<Quiet>true</Quiet>'), /no <Object>/],
      ['<Remove><Object><Key>k</Key></Object></Remove>', /root element <Remove>/],
      [wrap('<Object><Key>k</Key></Object>') + '<Delete/>', /content after the root/],
      [wrap('<Object><Key>a</Key><Key>secret/b</Key></Object>'), /more than one <Key>/],
      [wrap('<Object><Key>a</Key><x:Key xmlns:x="urn:x">secret/b</x:Key></Object>'), /more than one <Key>/],
      [
        wrap('<Object><Key>a</Key><VersionId>1</VersionId><VersionId>2</VersionId></Object>'),
        /more than one/,
      ],
      [wrap('<Object><VersionId>1</VersionId></Object>'), /without a <Key>/],
      [wrap('<Object><Key></Key></Object>'), /without a <Key>/],
      [wrap('<Object><Key/></Object>'), /without a <Key>/],
      [wrap('<Object><Key> secret/a.txt</Key></Object>'), /whitespace/],
      [wrap('<Object><Key>secret/a.txt\n</Key></Object>'), /whitespace/],
      [wrap('<Object><Key>secret/a.txt&#32;</Key></Object>'), /whitespace/],
      [wrap('<Object><Key>k</Key><VersionId></VersionId></Object>'), /VersionId/],
      [wrap('<Object><Key>k</Key><VersionId> v</VersionId></Object>'), /VersionId/],
      [wrap('<Object><Key>a\rb</Key></Object>'), /carriage return/],
      [wrap('<Object><Key><![CDATA[a\rb]]></Key></Object>'), /carriage return/],
      [wrap('<Object><Key>se<!-- x -->cret/a</Key></Object>'), /comment, DTD, CDATA or processing/],
      [wrap('<!-- x --><Object><Key>k</Key></Object>'), /comment/],
      [wrap('<Object><Key>se<?pi x?>cret</Key></Object>'), /processing instruction/],
      [`<!DOCTYPE d [<!ENTITY e "secret/a">]>${wrap('<Object><Key>&e;</Key></Object>')}`, /DTD/],
      [wrap('<Object><Key>&e;</Key></Object>'), /undefined or malformed entity/],
      [wrap('<Object><Key>a & b</Key></Object>'), /entity/],
      [wrap('<Object><Key>&#0;</Key></Object>'), /character XML does not allow/],
      [wrap('<Object><Key>&#xD800;</Key></Object>'), /character XML does not allow/],
      [wrap('<Object><Key>a\u0001b</Key></Object>'), /character XML does not allow/],
      [wrap('<Object><Key>a]]>b</Key></Object>'), /]]>/],
      [wrap('<Object><Key>a<![CDATA[b]]></Key></Object>'), /text mixed with CDATA/],
      [wrap('<Object><Key><![CDATA[a]]><![CDATA[b]]></Key></Object>'), /second CDATA/],
      [wrap('<Object><Key>a<b>c</b></Key></Object>'), /nested deeper|holds elements/],
      [wrap('<Object>text<Key>k</Key></Object>'), /text mixed with elements/],
      [wrap('<Object><Key>k</Key><Extra>x</Extra></Object>'), /element <Extra>/],
      [wrap('<Object><Key>k</Key></Object><Other/>'), /element <Other>/],
      [wrap('<Object><Key>k</Key></Object><Quiet>true</Quiet><Quiet>false</Quiet>'), /more than one <Quiet>/],
      [wrap('<Object secret="x"><Key>k</Key></Object>'), /attribute secret/],
      [`<Delete xmlns="a" xmlns="b"><Object><Key>k</Key></Object></Delete>`, /repeated attribute/],
      [wrap('<Object><Key>k</Key></Objects>'), /malformed end tag/],
      [wrap('<Object><Key>k</Key></Obj>'), /does not match/],
      [wrap('<Object><Key>k</Key>'), /ends inside|does not match/],
      [`<?xml version="1.0" encoding="UTF-16"?>${wrap('<Object><Key>k</Key></Object>')}`, /UTF-8 only/],
      [` <?xml version="1.0"?>${wrap('<Object><Key>k</Key></Object>')}`, /processing instruction/],
      [Buffer.from(`\ufeff${wrap('<Object><Key>k</Key></Object>')}`, 'utf8'), /byte-order mark/],
      [
        Buffer.concat([
          Buffer.from(wrap('<Object><Key>a')),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('</Key></Object>'),
        ]),
        /not UTF-8/,
      ],
      [
        wrap(Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('')),
        /more than 1000/,
      ],
    ];
    for (const [xml, why] of cases) malformed(xml, why);
  });
});

void describe('DeleteObjects decided per key', () => {
  const view = (body: Buffer | undefined, headers: Record<string, string> = {}): RequestView => ({
    method: 'POST',
    path: '/b',
    query: [['delete', '']],
    headers,
    ...(body ? { body } : {}),
    signingName: 's3',
    region: 'us-east-1',
  });
  const id: Identified = {
    service: 's3',
    protocol: 'rest-xml',
    operation: 'DeleteObjects',
    signingName: 's3',
    region: 'us-east-1',
    iamPrefix: 's3',
    endpointPrefix: 's3',
    params: { Bucket: 'b' },
  };

  void test('the body is buffered for S3 POST ?delete only', () => {
    assert.equal(decisionNeedsBody('s3', 'POST', [['delete', '']]), true);
    assert.equal(
      decisionNeedsBody('s3', 'post', [
        ['x-id', 'DeleteObjects'],
        ['delete', ''],
      ]),
      true,
    );
    assert.equal(decisionNeedsBody('s3', 'PUT', [['delete', '']]), false);
    assert.equal(decisionNeedsBody('s3', 'POST', [['uploads', '']]), false);
    assert.equal(decisionNeedsBody('dynamodb', 'POST', [['delete', '']]), false);
  });

  void test('each key is an object ARN: s3:DeleteObject, or s3:DeleteObjectVersion with a VersionId', () => {
    const body = Buffer.from(
      wrap(
        '<Object><Key>secret/a.txt</Key></Object><Object><Key>public/b.txt</Key><VersionId>v2</VersionId></Object><Quiet>true</Quiet>',
      ),
    );
    const withKeys = withPayloadParams(
      id,
      view(body, { 'content-md5': createHash('md5').update(body).digest('base64') }),
    );
    assert.deepEqual(withKeys.params.Delete, {
      Objects: [{ Key: 'secret/a.txt' }, { Key: 'public/b.txt', VersionId: 'v2' }],
      Quiet: 'true',
    });
    assert.deepEqual(mapToIam(withKeys, { accountId: '123456789012' }).requirements, [
      { action: 's3:DeleteObject', resources: ['arn:aws:s3:::b/secret/a.txt'] },
      { action: 's3:DeleteObjectVersion', resources: ['arn:aws:s3:::b/public/b.txt'] },
    ]);
    // Other operations pass through untouched.
    const get: Identified = { ...id, operation: 'GetObject' };
    assert.equal(withPayloadParams(get, view(undefined)), get);
  });

  void test('an unread, chunked, mismatched or malformed body refuses the call with S3 error codes', () => {
    const body = Buffer.from(wrap('<Object><Key>secret/a.txt</Key></Object>'));
    const cases: Array<[RequestView, string]> = [
      [view(undefined), 'InvalidRequest'],
      [view(body, { 'content-encoding': 'aws-chunked' }), 'InvalidRequest'],
      [view(body, { 'x-amz-trailer': 'x-amz-checksum-crc32' }), 'InvalidRequest'],
      [view(body, { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }), 'InvalidRequest'],
      [view(body, { 'content-md5': createHash('md5').update('other').digest('base64') }), 'BadDigest'],
      [view(Buffer.from(wrap('<Object><Key>a</Key><Key>b</Key></Object>'))), 'MalformedXML'],
    ];
    for (const [v, code] of cases)
      assert.throws(() => withPayloadParams(id, v), { code }, JSON.stringify(v.headers));
  });
});

void test('differential: whenever a document is accepted, a conformant XML reader sees the same keys', () => {
  const { window } = new JSDOM('');
  const parser = new window.DOMParser();
  const r = mulberry32(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const good = [
    'secret/a.txt',
    'a&amp;b',
    '&lt;x&gt;',
    '&#115;ecret',
    '&#x73;ecret',
    'a\nb',
    'a&#13;b',
    '<![CDATA[c<d>&amp;]]>',
    '日本/😀',
    'a&quot;b&apos;c',
  ];
  const bad = [
    '&#0;',
    '&bogus;',
    ' lead',
    'trail ',
    'a\r\nb',
    'a\rb',
    'x<![CDATA[y]]>',
    'se<!-- c -->cret',
    'a]]>b',
    '',
    '\u0001',
  ];
  const text = (): string => (r() < 0.85 ? pick(good) : pick(bad));
  const names = ['VersionId', 'ETag', 'VersionId', 'Size', 's3:Key', 'x:Key', 'key', 'Extra'];
  const space = (): string => pick(['', ' ', '\n', '\r\n', '\t']);
  const leaf = (): string => {
    const n = pick(names);
    return `<${n}>${text()}</${n}>`;
  };
  const object = (): string => {
    const parts = [`<${pick(['Key', 'Key', 's3:Key'])}>${text()}</Key>`];
    for (let k = Math.floor(r() * 2.5); k > 0; k--)
      parts.splice(Math.floor(r() * (parts.length + 1)), 0, leaf());
    const o = pick(['Object', 's3:Object', 'Object', 'x:Object']);
    return `<${o}${pick(['', ' ', '', ' a="1"'])}>${space()}${parts.join(space())}${space()}</${o}>`;
  };
  let accepted = 0;
  let refusedCount = 0;
  for (let i = 0; i < 6000; i++) {
    const objs = Array.from({ length: 1 + Math.floor(r() * 3) }, object).join(space());
    const root = pick(['Delete', 's3:Delete']);
    const decl = pick(['', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>\r\n']);
    const ns = pick([`xmlns="${NS}"`, `xmlns:s3="${NS}"`, `xmlns="${NS}" xmlns:s3="${NS}" xmlns:x="urn:x"`]);
    const xml = `${decl}<${root} ${ns}>${space()}${objs}${space()}${pick(['', '<Quiet>true</Quiet>'])}</${root}>`;
    const ours = parseDeleteObjects(Buffer.from(xml, 'utf8'));
    if (!ours.ok) {
      refusedCount++;
      continue;
    }
    accepted++;
    const doc = parser.parseFromString(xml, 'application/xml');
    assert.equal(doc.getElementsByTagName('parsererror').length, 0, `a conformant reader refuses ${xml}`);
    const theirs = Array.from(doc.getElementsByTagNameNS('*', 'Object')).map((o) => {
      const child = (name: string): string[] =>
        Array.from(o.children)
          .filter((c) => c.localName === name)
          .map((c) => c.textContent ?? '');
      return { keys: child('Key'), versions: child('VersionId') };
    });
    assert.deepEqual(
      ours.objects.map((o) => ({ keys: [o.key], versions: o.versionId === undefined ? [] : [o.versionId] })),
      theirs,
      xml,
    );
  }
  assert.ok(accepted > 300 && refusedCount > 300, `accepted ${accepted}, refused ${refusedCount}`);
});
