import { randomBytes, randomUUID } from 'node:crypto';
import type { StubResponse } from './types';

/** Wire shapes an AWS error can take; each client parses only its service's shape. */
export type Protocol = 's3' | 'query' | 'ec2' | 'json' | 'rest-json';

const KNOWN: Record<string, Protocol> = {
  s3: 's3',
  sts: 'query',
  iam: 'query',
  ec2: 'ec2',
  lambda: 'rest-json',
  dynamodb: 'json',
  secretsmanager: 'json',
};

export const QUERY_NAMESPACES: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

export function protocolFor(service: string, contentType: string | undefined): Protocol {
  const known = KNOWN[service];
  if (known) return known;
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/x-amz-json')) return 'json';
  if (ct.startsWith('application/x-www-form-urlencoded')) return 'query';
  if (ct.startsWith('application/json')) return 'rest-json';
  return 's3';
}

/** The JSON protocols name the same failures differently from the XML ones. */
export type FailureKind =
  'missing-auth' | 'incomplete' | 'unknown-key' | 'bad-signature' | 'expired' | 'unsigned-headers';

const CODES: Record<FailureKind, { xml: string; json: string; s3: string }> = {
  'missing-auth': {
    xml: 'MissingAuthenticationToken',
    json: 'MissingAuthenticationTokenException',
    s3: 'AccessDenied',
  },
  incomplete: {
    xml: 'IncompleteSignature',
    json: 'IncompleteSignatureException',
    s3: 'AuthorizationHeaderMalformed',
  },
  'unknown-key': {
    xml: 'InvalidClientTokenId',
    json: 'UnrecognizedClientException',
    s3: 'InvalidAccessKeyId',
  },
  'bad-signature': {
    xml: 'SignatureDoesNotMatch',
    json: 'InvalidSignatureException',
    s3: 'SignatureDoesNotMatch',
  },
  expired: { xml: 'SignatureDoesNotMatch', json: 'InvalidSignatureException', s3: 'RequestTimeTooSkewed' },
  'unsigned-headers': { xml: 'AccessDenied', json: 'AccessDeniedException', s3: 'AccessDenied' },
};

export function failureCode(kind: FailureKind, protocol: Protocol): string {
  const codes = CODES[kind];
  if (protocol === 's3') return codes.s3;
  return protocol === 'json' || protocol === 'rest-json' ? codes.json : codes.xml;
}

export function newRequestId(): string {
  return randomUUID();
}

export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface AwsErrorSpec {
  status: number;
  code: string;
  message: string;
  /** 'Sender' unless the fault is ours. */
  type?: 'Sender' | 'Receiver';
  /** S3 only: more elements after Message (already XML), as S3 adds to signature errors. */
  s3Extra?: string;
}

export function renderAwsError(protocol: Protocol, service: string, spec: AwsErrorSpec): StubResponse {
  const requestId = newRequestId();
  const code = xmlEscape(spec.code);
  const message = xmlEscape(spec.message);
  const base = { status: spec.status, errorCode: spec.code };
  switch (protocol) {
    case 's3':
      return {
        ...base,
        headers: {
          'content-type': 'application/xml',
          'x-amz-request-id': requestId,
          'x-amz-id-2': randomBytes(24).toString('base64'),
        },
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<Error><Code>${code}</Code><Message>${message}</Message>${spec.s3Extra ?? ''}<RequestId>${requestId}</RequestId></Error>`,
      };
    case 'ec2':
      return {
        ...base,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
          `<RequestID>${requestId}</RequestID></Response>`,
      };
    case 'query': {
      const ns = QUERY_NAMESPACES[service];
      return {
        ...base,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse${ns ? ` xmlns="${ns}"` : ''}><Error><Type>${spec.type ?? 'Sender'}</Type>` +
          `<Code>${code}</Code><Message>${message}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case 'json':
      return {
        ...base,
        headers: {
          'content-type':
            service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ __type: spec.code, message: spec.message }),
      };
    case 'rest-json':
      return {
        ...base,
        headers: {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': spec.code,
        },
        body: JSON.stringify({ Type: spec.type === 'Receiver' ? 'Service' : 'User', message: spec.message }),
      };
  }
}

function hexBytes(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * What AWS echoes about a request whose signature it rejects: S3 adds the key id, the signature
 * it got, the string-to-sign and the canonical request it computed (and their bytes); query and
 * JSON services append the canonical string and string-to-sign to the message.
 */
export function signatureEcho(
  protocol: Protocol,
  d: { accessKeyId: string; signature: string; canonicalRequest: string; stringToSign: string },
): { s3Extra?: string; messageTail?: string } {
  if (protocol === 's3') {
    return {
      s3Extra:
        `<AWSAccessKeyId>${xmlEscape(d.accessKeyId)}</AWSAccessKeyId>` +
        `<StringToSign>${xmlEscape(d.stringToSign)}</StringToSign>` +
        `<SignatureProvided>${xmlEscape(d.signature)}</SignatureProvided>` +
        `<StringToSignBytes>${hexBytes(d.stringToSign)}</StringToSignBytes>` +
        `<CanonicalRequest>${xmlEscape(d.canonicalRequest)}</CanonicalRequest>` +
        `<CanonicalRequestBytes>${hexBytes(d.canonicalRequest)}</CanonicalRequestBytes>`,
    };
  }
  return {
    messageTail:
      `\n\nThe Canonical String for this request should have been\n'${d.canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${d.stringToSign}'\n`,
  };
}
