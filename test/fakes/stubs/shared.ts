import { newRequestId, renderAwsError, xmlEscape, type Protocol } from '../aws-errors';
import type { StubRequest, StubResponse } from '../types';

export { xmlEscape };

/** Query-protocol parameters: the form body and the URL query string together. */
export function queryParams(req: StubRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.body.length > 0 && ct.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  }
  return params;
}

/** Values of a flattened list parameter: Name.1, Name.2, ... */
export function listParam(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.${i}`); i++) out.push(params.get(`${name}.${i}`) ?? '');
  return out;
}

/** A query-protocol success: <OpResponse><OpResult>inner</OpResult><ResponseMetadata/></OpResponse>. */
export function queryOk(operation: string, namespace: string, resultInner: string | undefined): StubResponse {
  const requestId = newRequestId();
  const result = resultInner === undefined ? '' : `<${operation}Result>${resultInner}</${operation}Result>`;
  return {
    status: 200,
    operation,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<${operation}Response xmlns="${namespace}">${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

export function jsonOk(
  operation: string,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): StubResponse {
  return {
    status: 200,
    operation,
    headers: { 'content-type': contentType, 'x-amzn-requestid': newRequestId() },
    body: JSON.stringify(body),
  };
}

export function stubError(
  protocol: Protocol,
  service: string,
  operation: string,
  status: number,
  code: string,
  message: string,
): StubResponse {
  return { ...renderAwsError(protocol, service, { status, code, message }), operation };
}

/** What every stub answers for an operation it does not implement; the call is still recorded. */
export function unknownOperation(protocol: Protocol, service: string, operation: string): StubResponse {
  const code =
    protocol === 'json' || protocol === 'rest-json' ? 'UnknownOperationException' : 'UnknownOperation';
  return stubError(
    protocol,
    service,
    operation,
    400,
    code,
    `The fake AWS does not implement ${service} ${operation}.`,
  );
}

export function parseJsonBody(req: StubRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  const parsed: unknown = JSON.parse(req.body.toString('utf8'));
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
