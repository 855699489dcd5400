import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitMasked } from '../src/model/masked-text';
import { detectFormat, prettyBody, prettyForm, prettyXml } from '../src/model/pretty-body';

void test('JSON is indented; broken JSON is shown as it is', () => {
  assert.equal(
    prettyBody('{"a":{"b":[1,2]}}').text,
    '{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  }\n}',
  );
  assert.deepEqual(prettyBody('{"a":'), { format: 'json', text: '{"a":' });
});

void test('XML is indented by nesting, text-only elements on one line', () => {
  const xml =
    '<?xml version="1.0"?><GetCallerIdentityResponse xmlns="x"><GetCallerIdentityResult><Arn>arn:aws:sts::1:assumed-role/a</Arn><Account>1</Account><Empty/></GetCallerIdentityResult><!-- c --></GetCallerIdentityResponse>';
  assert.equal(
    prettyXml(xml),
    [
      '<?xml version="1.0"?>',
      '<GetCallerIdentityResponse xmlns="x">',
      '  <GetCallerIdentityResult>',
      '    <Arn>arn:aws:sts::1:assumed-role/a</Arn>',
      '    <Account>1</Account>',
      '    <Empty/>',
      '  </GetCallerIdentityResult>',
      '  <!-- c -->',
      '</GetCallerIdentityResponse>',
    ].join('\n'),
  );
  assert.equal(detectFormat('  <a/>'), 'xml');
});

void test('query-protocol form bodies become one decoded parameter per line', () => {
  assert.equal(
    prettyForm('Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa&RoleSessionName=my+session'),
    'Action = AssumeRole\nRoleArn = arn:aws:iam::1:role/a\nRoleSessionName = my session',
  );
  assert.equal(detectFormat('Action=GetCallerIdentity&Version=2011-06-15'), 'form');
  assert.equal(detectFormat('plain words here'), 'text');
  assert.equal(detectFormat('a=1', 'application/json'), 'json', 'the content type wins');
});

void test('masking placeholders are split out so they can be marked', () => {
  const segs = splitMasked(
    '{"SecretString":"«airlock:masked:secretsmanager:SecretString:3f9a0c1b2d4e»","n":1}',
  );
  assert.deepEqual(
    segs.map((s) => [s.masked, s.text]),
    [
      [false, '{"SecretString":"'],
      [true, '«airlock:masked:secretsmanager:SecretString:3f9a0c1b2d4e»'],
      [false, '","n":1}'],
    ],
  );
  assert.deepEqual(splitMasked(''), [{ text: '', masked: false }]);
});
