import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  mapFormRequest,
  mapJsonAnswer,
  mapJsonRequest,
  mapXmlAnswer,
  parseQueueUrl,
  QueueUrlTable,
} from '../../gateway/sqs/queue-urls';

const REAL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo';
const GW = 'http://127.0.0.1:4566';

void describe('SQS queue URLs: real ones behind the gateway’s', () => {
  void test('only account/name paths over http(s) are queue URLs', () => {
    assert.deepEqual(parseQueueUrl(REAL)?.ref, { account: '123456789012', name: 'jobs.fifo' });
    for (const bad of [
      'https://sqs.us-east-1.amazonaws.com/123456789012/jobs/extra',
      'https://sqs.us-east-1.amazonaws.com/12345/jobs',
      'https://sqs.us-east-1.amazonaws.com/123456789012/jobs?x=1',
      'https://user:pw@sqs.us-east-1.amazonaws.com/123456789012/jobs',
      'ftp://sqs.us-east-1.amazonaws.com/123456789012/jobs',
      'arn:aws:sqs:us-east-1:123456789012:jobs',
      'not a url',
    ])
      assert.equal(parseQueueUrl(bad), undefined, bad);
  });

  void test('a real URL handed out maps back to exactly itself, per region', () => {
    const t = new QueueUrlTable();
    const agent = t.toAgent(REAL, GW, 'eu-west-1');
    assert.equal(agent, `${GW}/123456789012/jobs.fifo`);
    assert.equal(t.toReal(agent ?? '', GW, 'eu-west-1'), REAL);
    // Another region's queue of the same name is not this one.
    assert.equal(
      t.toReal(agent ?? '', GW, 'us-east-1'),
      'https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo',
    );
  });

  void test('URLs that do not name the gateway go on untouched', () => {
    const t = new QueueUrlTable();
    t.toAgent(REAL, GW, 'eu-west-1');
    assert.equal(t.toReal(REAL, GW, 'eu-west-1'), undefined);
    assert.equal(t.toReal('http://10.0.0.1:4566/123456789012/jobs.fifo', GW, 'eu-west-1'), undefined);
    // An origin handed out before (endpoint mode) is recognised in a call through another (proxy).
    assert.equal(
      t.toReal(`${GW}/123456789012/jobs.fifo`, 'https://sqs.eu-west-1.amazonaws.com', 'eu-west-1'),
      REAL,
    );
  });

  void test('a queue the table forgot maps to its standard URL; the table stays bounded', () => {
    const t = new QueueUrlTable(2);
    t.toAgent('http://sandbox:1/111111111111/a', GW, 'us-east-1');
    t.toAgent('http://sandbox:1/111111111111/b', GW, 'us-east-1');
    t.toAgent('http://sandbox:1/111111111111/c', GW, 'us-east-1');
    assert.equal(t.toReal(`${GW}/111111111111/c`, GW, 'us-east-1'), 'http://sandbox:1/111111111111/c');
    assert.equal(
      t.toReal(`${GW}/111111111111/a`, GW, 'us-east-1'),
      'https://sqs.us-east-1.amazonaws.com/111111111111/a',
    );
    assert.equal(
      t.toReal(`${GW}/111111111111/a`, GW, 'cn-north-1'),
      'https://sqs.cn-north-1.amazonaws.com.cn/111111111111/a',
    );
  });

  const toReal = (u: string): string | undefined => (u.startsWith(GW) ? REAL : undefined);

  void test('requests: the JSON QueueUrl member and every form QueueUrl value', () => {
    const json = mapJsonRequest(
      Buffer.from(`{"QueueUrl":"${GW}/123456789012/jobs.fifo","MessageBody":"x"}`),
      toReal,
    );
    assert.deepEqual(JSON.parse(json?.toString() ?? ''), { QueueUrl: REAL, MessageBody: 'x' });
    assert.equal(mapJsonRequest(Buffer.from(`{"QueueUrl":"${REAL}"}`), toReal), undefined);
    assert.equal(mapJsonRequest(Buffer.from('not json'), toReal), undefined);
    const form = mapFormRequest(
      Buffer.from(
        `Action=SendMessage&QueueUrl=${encodeURIComponent(`${GW}/123456789012/jobs.fifo`)}&MessageBody=a+b`,
      ),
      toReal,
    );
    assert.equal(form?.toString(), `Action=SendMessage&QueueUrl=${encodeURIComponent(REAL)}&MessageBody=a+b`);
    assert.equal(mapFormRequest(Buffer.from('Action=ListQueues'), toReal), undefined);
  });

  const toAgent = (u: string): string | undefined =>
    u === REAL ? `${GW}/123456789012/jobs.fifo` : undefined;

  void test('answers: the members each operation returns URLs in, JSON and XML', () => {
    assert.deepEqual(JSON.parse(mapJsonAnswer(`{"QueueUrl":"${REAL}"}`, 'CreateQueue', toAgent) ?? ''), {
      QueueUrl: `${GW}/123456789012/jobs.fifo`,
    });
    assert.deepEqual(
      JSON.parse(mapJsonAnswer(`{"QueueUrls":["${REAL}","x"],"NextToken":"t"}`, 'ListQueues', toAgent) ?? ''),
      { QueueUrls: [`${GW}/123456789012/jobs.fifo`, 'x'], NextToken: 't' },
    );
    assert.deepEqual(
      JSON.parse(mapJsonAnswer(`{"queueUrls":["${REAL}"]}`, 'ListDeadLetterSourceQueues', toAgent) ?? ''),
      { queueUrls: [`${GW}/123456789012/jobs.fifo`] },
    );
    assert.equal(mapJsonAnswer(`{"QueueUrl":"${REAL}"}`, 'SendMessage', toAgent), undefined);
    const xml = `<ListQueuesResult><QueueUrl>${REAL.replace('.fifo', '&#46;fifo')}</QueueUrl><QueueUrl>${REAL}</QueueUrl></ListQueuesResult>`;
    assert.equal(
      mapXmlAnswer(xml, toAgent),
      `<ListQueuesResult><QueueUrl>${REAL.replace('.fifo', '&#46;fifo')}</QueueUrl><QueueUrl>${GW}/123456789012/jobs.fifo</QueueUrl></ListQueuesResult>`,
    );
  });
});
