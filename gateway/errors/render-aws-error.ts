import type { AwsProtocol } from '../aws/types';
import { type GatewayError, isSenderFault } from './gateway-error';

/** A rendered error: what goes on the wire. */
export interface RenderedError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Renders a gateway error in the wire shape of the service's protocol so that every SDK parses
 * it into its own error type with our code and message (JSON `__type`, query `ErrorResponse`,
 * EC2 `Response/Errors`, S3 `<Error>`).
 */
export function renderAwsError(
  err: GatewayError,
  protocol: AwsProtocol | 'unknown',
  requestId: string,
): RenderedError {
  const base = { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId };
  const code = err.code;
  const message = err.message;
  switch (protocol) {
    case 'json':
      return {
        status: err.status,
        headers: { ...base, 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ __type: code, message, Message: message }),
      };
    case 'rest-json':
      return {
        status: err.status,
        headers: { ...base, 'content-type': 'application/json', 'x-amzn-errortype': code },
        body: JSON.stringify({ code, message, Message: message }),
      };
    case 'ec2':
      return {
        status: err.status,
        headers: { ...base, 'content-type': 'text/xml' },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
          `<Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'rest-xml':
      return {
        status: err.status,
        headers: { ...base, 'content-type': 'application/xml' },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
          `<RequestId>${requestId}</RequestId></Error>`,
      };
    case 'query':
    case 'unknown':
      return {
        status: err.status,
        headers: { ...base, 'content-type': 'text/xml' },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>${isSenderFault(code) ? 'Sender' : 'Receiver'}</Type>` +
          `<Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}
