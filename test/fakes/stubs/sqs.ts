import { createHash, randomUUID } from 'node:crypto';
import type { FakeIdentity, ServiceStub, StubRequest, StubResponse } from '../types';
import {
  jsonOk,
  parseJsonBody,
  queryOk,
  queryParams,
  stubError,
  unknownOperation,
  xmlEscape,
} from './shared';

const NS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(?:\.fifo)?$/;

export interface SqsStubOptions {
  /**
   * Origin of the queue URLs this fake hands out (default: the real regional host). Tests point it
   * at a trap so a client that follows a queue URL instead of staying on the gateway is caught.
   */
  queueUrlOrigin?: (region: string) => string;
}

interface Message {
  id: string;
  body: string;
  receipt: string;
}

interface Queue {
  url: string;
  arn: string;
  messages: Message[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/**
 * Enough of SQS for queue-URL round trips, in both wire protocols (JSON for current SDKs, query
 * for AWS CLI 2.9). A call naming a queue by any URL other than the one this fake issued fails as
 * AWS fails it: so a gateway that hands agents other URLs must map them back.
 */
export function createSqsStub(identity: FakeIdentity, opts: SqsStubOptions = {}): ServiceStub {
  const queues = new Map<string, Queue>();
  const origin = opts.queueUrlOrigin ?? ((region: string) => `https://sqs.${region}.amazonaws.com`);

  return {
    signingName: 'sqs',
    reset: () => queues.clear(),
    handle(req: StubRequest): StubResponse {
      const target = String(req.headers['x-amz-target'] ?? '');
      const json = target.startsWith('AmazonSQS.');
      let input: Record<string, unknown>;
      let operation: string;
      if (json) {
        operation = target.slice('AmazonSQS.'.length);
        try {
          input = parseJsonBody(req);
        } catch {
          return stubError('json', 'sqs', operation, 400, 'SerializationException', 'body is not JSON');
        }
      } else {
        const params = queryParams(req);
        operation = params.get('Action') ?? '';
        input = Object.fromEntries(params);
      }
      const protocol = json ? 'json' : 'query';
      const ok = (body: Record<string, unknown>, xml: string | undefined): StubResponse =>
        json ? jsonOk(operation, body, 'application/x-amz-json-1.0') : queryOk(operation, NS, xml);
      const noQueue = (): StubResponse =>
        stubError(
          protocol,
          'sqs',
          operation,
          400,
          json ? 'QueueDoesNotExist' : 'AWS.SimpleQueueService.NonExistentQueue',
          'The specified queue does not exist.',
        );
      const byUrl = (): Queue | undefined => {
        const url = input.QueueUrl;
        return typeof url === 'string' ? [...queues.values()].find((q) => q.url === url) : undefined;
      };
      const urlsXml = (urls: string[]): string =>
        urls.map((u) => `<QueueUrl>${xmlEscape(u)}</QueueUrl>`).join('');

      switch (operation) {
        case 'CreateQueue': {
          const name = str(input.QueueName);
          if (!QUEUE_NAME.test(name))
            return stubError(protocol, 'sqs', operation, 400, 'InvalidParameterValue', 'bad queue name');
          let q = queues.get(name);
          if (!q) {
            q = {
              url: `${origin(req.region)}/${identity.accountId}/${name}`,
              arn: `arn:aws:sqs:${req.region}:${identity.accountId}:${name}`,
              messages: [],
            };
            queues.set(name, q);
          }
          return ok({ QueueUrl: q.url }, urlsXml([q.url]));
        }
        case 'GetQueueUrl': {
          const q = queues.get(str(input.QueueName));
          return q ? ok({ QueueUrl: q.url }, urlsXml([q.url])) : noQueue();
        }
        case 'ListQueues': {
          const urls = [...queues.values()].map((q) => q.url);
          return ok({ QueueUrls: urls }, urlsXml(urls));
        }
        case 'GetQueueAttributes': {
          const q = byUrl();
          if (!q) return noQueue();
          const n = String(q.messages.length);
          return ok(
            { Attributes: { QueueArn: q.arn, ApproximateNumberOfMessages: n } },
            `<Attribute><Name>QueueArn</Name><Value>${q.arn}</Value></Attribute>` +
              `<Attribute><Name>ApproximateNumberOfMessages</Name><Value>${n}</Value></Attribute>`,
          );
        }
        case 'SendMessage': {
          const q = byUrl();
          if (!q) return noQueue();
          const body = str(input.MessageBody);
          const m = { id: randomUUID(), body, receipt: randomUUID() };
          q.messages.push(m);
          return ok(
            { MessageId: m.id, MD5OfMessageBody: md5(body) },
            `<MessageId>${m.id}</MessageId><MD5OfMessageBody>${md5(body)}</MD5OfMessageBody>`,
          );
        }
        case 'ReceiveMessage': {
          const q = byUrl();
          if (!q) return noQueue();
          const batch = q.messages.slice(0, Number(input.MaxNumberOfMessages ?? 1) || 1);
          return ok(
            {
              Messages: batch.map((m) => ({
                MessageId: m.id,
                ReceiptHandle: m.receipt,
                MD5OfBody: md5(m.body),
                Body: m.body,
              })),
            },
            batch
              .map(
                (m) =>
                  `<Message><MessageId>${m.id}</MessageId><ReceiptHandle>${m.receipt}</ReceiptHandle>` +
                  `<MD5OfBody>${md5(m.body)}</MD5OfBody><Body>${xmlEscape(m.body)}</Body></Message>`,
              )
              .join(''),
          );
        }
        case 'DeleteMessage': {
          const q = byUrl();
          if (!q) return noQueue();
          q.messages = q.messages.filter((m) => m.receipt !== input.ReceiptHandle);
          return ok({}, undefined);
        }
        case 'DeleteQueue': {
          const q = byUrl();
          if (!q) return noQueue();
          for (const [name, v] of queues) if (v === q) queues.delete(name);
          return ok({}, undefined);
        }
        default:
          return unknownOperation(protocol, 'sqs', operation || 'unknown');
      }
    },
  };
}
