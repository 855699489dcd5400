import type { IncomingHttpHeaders } from 'node:http';
import type { BodyFormat } from '../masking';

/** Operations whose successful answer is an object's bytes or an event stream, never an API document. */
const STREAMING_OUTPUT = new Set([
  's3:GetObject',
  's3:GetObjectTorrent',
  's3:SelectObjectContent',
  'lambda:InvokeWithResponseStream',
  'glacier:GetJobOutput',
  'mediastoredata:GetObject',
  'ebs:GetSnapshotBlock',
  'polly:SynthesizeSpeech',
  'kinesisvideomedia:GetMedia',
]);

export type ResponseKind =
  | { readonly mode: 'empty' }
  | { readonly mode: 'buffer'; readonly format: BodyFormat }
  | { readonly mode: 'stream' };

function formatOf(contentType: string): BodyFormat | undefined {
  const ct = contentType.toLowerCase();
  if (ct.includes('eventstream')) return undefined;
  if (ct.includes('json')) return 'json';
  if (ct.includes('xml')) return 'xml';
  if (ct.startsWith('text/')) return 'text';
  return undefined;
}

/**
 * How a response travels back: API documents (JSON, XML, text) are read whole, masked and
 * recorded before the agent gets them; object bodies and event streams stream through untouched
 * (recorded as size and checksums). HEAD, 204 and 304 answers have no body at all.
 */
export function responseKind(
  service: string,
  operation: string | undefined,
  method: string,
  status: number,
  headers: IncomingHttpHeaders,
): ResponseKind {
  if (method === 'HEAD' || status === 204 || status === 304) return { mode: 'empty' };
  if (status < 300 && operation && STREAMING_OUTPUT.has(`${service}:${operation}`)) return { mode: 'stream' };
  const ct = headers['content-type'];
  if (ct === undefined || ct === '') {
    // No type: an empty answer (most REST deletes), or bytes we know nothing about.
    return headers['content-length'] === '0' ? { mode: 'empty' } : { mode: 'buffer', format: 'text' };
  }
  const format = formatOf(ct);
  return format ? { mode: 'buffer', format } : { mode: 'stream' };
}
