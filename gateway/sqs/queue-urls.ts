/**
 * SQS queue URLs as the agent sees them. Current SDKs (JS v3 `useQueueUrlAsEndpoint`, on by default)
 * send a call to the host of its QueueUrl, not to the configured endpoint: a real queue URL handed
 * to an agent would take its next calls around the gateway. So queue URLs in answers are rewritten
 * to the origin the agent reached the gateway at, and mapped back to the real ones in requests,
 * before anything is identified, decided or recorded. Pure: strings in, strings out.
 */
import { dnsSuffix } from '../aws/region';

/** `/123456789012/jobs` or `/123456789012/jobs.fifo`: the only path a queue URL has. */
const QUEUE_PATH = /^\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

export interface QueueRef {
  readonly account: string;
  readonly name: string;
}

/** Origin and queue of a queue URL; undefined for anything else. */
export function parseQueueUrl(url: string): { readonly origin: string; readonly ref: QueueRef } | undefined {
  if (url.length > 2048) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  if (u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') return undefined;
  const m = QUEUE_PATH.exec(u.pathname);
  if (!m) return undefined;
  return { origin: u.origin, ref: { account: m[1] ?? '', name: m[2] ?? '' } };
}

/**
 * The real queue URLs AWS gave out, by region and queue, and the origins agents were given in
 * their place. Bounded: the oldest entries go first; a forgotten queue maps to its standard URL.
 */
export class QueueUrlTable {
  private readonly real = new Map<string, string>();
  private readonly origins = new Set<string>();

  constructor(private readonly maxEntries = 10_000) {}

  private static key(region: string, ref: QueueRef): string {
    return `${region}/${ref.account}/${ref.name}`;
  }

  /** Real queue URL to the URL the agent gets, remembering the pair; undefined if not a queue URL. */
  toAgent(realUrl: string, agentOrigin: string, region: string): string | undefined {
    const parsed = parseQueueUrl(realUrl);
    if (!parsed) return undefined;
    const key = QueueUrlTable.key(region, parsed.ref);
    this.real.delete(key);
    this.real.set(key, realUrl);
    if (this.real.size > this.maxEntries) {
      const oldest = this.real.keys().next().value;
      if (oldest !== undefined) this.real.delete(oldest);
    }
    if (!this.origins.has(agentOrigin)) {
      if (this.origins.size >= 64) this.origins.clear();
      this.origins.add(agentOrigin);
    }
    return `${agentOrigin}/${parsed.ref.account}/${parsed.ref.name}`;
  }

  /**
   * A queue URL from the agent to the real one, when it names the gateway (the origin of this call,
   * or one handed out before); undefined when it is not such a URL and goes on as given.
   */
  toReal(url: string, agentOrigin: string, region: string): string | undefined {
    const parsed = parseQueueUrl(url);
    if (!parsed || (parsed.origin !== agentOrigin && !this.origins.has(parsed.origin))) return undefined;
    const known = this.real.get(QueueUrlTable.key(region, parsed.ref));
    return known ?? `https://sqs.${region}.${dnsSuffix(region)}/${parsed.ref.account}/${parsed.ref.name}`;
  }
}

export type UrlMap = (url: string) => string | undefined;

/** A JSON-protocol request body with its top-level QueueUrl mapped; undefined when unchanged. */
export function mapJsonRequest(body: Buffer, map: UrlMap): Buffer | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const obj = doc as Record<string, unknown>;
  const url = obj.QueueUrl;
  const mapped = typeof url === 'string' ? map(url) : undefined;
  if (mapped === undefined) return undefined;
  return Buffer.from(JSON.stringify({ ...obj, QueueUrl: mapped }));
}

function decodeFormPart(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** A query-protocol form body with every QueueUrl value mapped; undefined when unchanged. */
export function mapFormRequest(body: Buffer, map: UrlMap): Buffer | undefined {
  let changed = false;
  const parts = body
    .toString('utf8')
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || decodeFormPart(pair.slice(0, eq)) !== 'QueueUrl') return pair;
      const value = decodeFormPart(pair.slice(eq + 1));
      const mapped = value !== undefined ? map(value) : undefined;
      if (mapped === undefined) return pair;
      changed = true;
      return `${pair.slice(0, eq)}=${encodeURIComponent(mapped)}`;
    });
  return changed ? Buffer.from(parts.join('&')) : undefined;
}

/** The answer members that carry queue URLs, per operation. */
const ANSWER_MEMBERS: Readonly<Record<string, string>> = {
  CreateQueue: 'QueueUrl',
  GetQueueUrl: 'QueueUrl',
  ListQueues: 'QueueUrls',
  ListDeadLetterSourceQueues: 'queueUrls',
};

export function answerCarriesQueueUrls(operation: string | undefined): boolean {
  return operation !== undefined && Object.hasOwn(ANSWER_MEMBERS, operation);
}

/** A JSON answer with its queue URLs mapped; undefined when unchanged or unreadable. */
export function mapJsonAnswer(text: string, operation: string, map: UrlMap): string | undefined {
  const member = ANSWER_MEMBERS[operation];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (member === undefined || typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const obj = doc as Record<string, unknown>;
  const value = obj[member];
  const one = (u: unknown): unknown => (typeof u === 'string' ? (map(u) ?? u) : u);
  const next = Array.isArray(value) ? value.map(one) : one(value);
  if (JSON.stringify(next) === JSON.stringify(value)) return undefined;
  return JSON.stringify({ ...obj, [member]: next });
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e] ?? '');
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A query-protocol (XML) answer with every `<QueueUrl>` mapped; undefined when unchanged. */
export function mapXmlAnswer(text: string, map: UrlMap): string | undefined {
  let changed = false;
  const out = text.replace(/<QueueUrl>([^<]{0,2048})<\/QueueUrl>/g, (whole, inner: string) => {
    const mapped = map(xmlText(inner.trim()));
    if (mapped === undefined) return whole;
    changed = true;
    return `<QueueUrl>${xmlEscape(mapped)}</QueueUrl>`;
  });
  return changed ? out : undefined;
}
