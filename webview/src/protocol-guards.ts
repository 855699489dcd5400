/**
 * Checks for messages crossing the webview boundary. The host must not trust what a webview
 * posts (`parseWebviewMessage`), and the webview ignores anything it does not understand
 * (`parseHostMessage`) instead of failing on a newer host. Dependency-free, like protocol.ts.
 */
import type { HostMessage, WebviewMessage } from './protocol';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string): boolean {
  return typeof o[key] === 'string' && o[key].length > 0;
}

/** A command line longer than this is not one a person pastes; the page never builds one. */
const MAX_COPY_TEXT = 1_000_000;

const DECISIONS = new Set(['approve-once', 'approve-for-task', 'deny']);

/** The message a webview posted, or undefined when it is not one the protocol defines. */
export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
  if (!isObj(data)) return undefined;
  switch (data.type) {
    case 'ready':
      return typeof data.protocol === 'number' ? (data as unknown as WebviewMessage) : undefined;
    case 'openTask':
    case 'exportBundle':
    case 'requestReview':
    case 'suggestPolicy':
    case 'comparePolicy':
    case 'endTask':
      return str(data, 'taskId') ? (data as unknown as WebviewMessage) : undefined;
    case 'copyCliCommand':
      return str(data, 'text') && (data.text as string).length <= MAX_COPY_TEXT
        ? (data as unknown as WebviewMessage)
        : undefined;
    case 'openRule':
      return str(data, 'ruleId') ? (data as unknown as WebviewMessage) : undefined;
    case 'requestDetail':
      return str(data, 'taskId') && str(data, 'callId') ? (data as unknown as WebviewMessage) : undefined;
    case 'copyCloudTrail':
      return str(data, 'taskId') && (data.callId === undefined || str(data, 'callId'))
        ? (data as unknown as WebviewMessage)
        : undefined;
    case 'decideApproval':
      return str(data, 'approvalId') &&
        str(data, 'taskId') &&
        str(data, 'callId') &&
        DECISIONS.has(data.decision as string) &&
        (data.reason === undefined || typeof data.reason === 'string')
        ? (data as unknown as WebviewMessage)
        : undefined;
    default:
      return undefined;
  }
}

/** The message the host sent, or undefined for anything this webview does not know. */
export function parseHostMessage(data: unknown): HostMessage | undefined {
  if (!isObj(data)) return undefined;
  switch (data.type) {
    case 'init':
      return isObj(data.view) && Array.isArray(data.tasks) ? (data as unknown as HostMessage) : undefined;
    case 'events':
      return str(data, 'taskId') && Array.isArray(data.events) ? (data as unknown as HostMessage) : undefined;
    case 'tasks':
      return Array.isArray(data.tasks) ? (data as unknown as HostMessage) : undefined;
    case 'approvalChanged':
      return isObj(data.approval) && str(data.approval, 'approvalId')
        ? (data as unknown as HostMessage)
        : undefined;
    case 'bundleVerification':
      return str(data, 'taskId') && isObj(data.verification) ? (data as unknown as HostMessage) : undefined;
    case 'detail':
    case 'reveal':
      return str(data, 'taskId') && str(data, 'callId') ? (data as unknown as HostMessage) : undefined;
    case 'theme':
      return typeof data.theme === 'string' ? (data as unknown as HostMessage) : undefined;
    case 'showReview':
      return str(data, 'taskId') ? (data as unknown as HostMessage) : undefined;
    case 'review':
      return str(data, 'taskId') && (isObj(data.review) || typeof data.error === 'string')
        ? (data as unknown as HostMessage)
        : undefined;
    default:
      return undefined;
  }
}
