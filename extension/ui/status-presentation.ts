import type { IdentityStatus } from '../../gateway/protocol';
import { countdown } from '../approvals/approval-prompt';
import type { GatewayState } from '../gateway/gateway-supervisor';
import { identityPresentation } from '../identity/identity-view';

/** The status bar item's words for a state; vscode-free so they are tested as a table. */

export interface StatusView {
  readonly gateway: GatewayState;
  readonly taskName?: string;
  readonly pending: number;
  /** Milliseconds until the first waiting call is refused on its own (the soonest deadline). */
  readonly nextRefusalMs?: number;
  readonly dataDir: string;
  /** Where the gateway's credentials come from, and who is signed in (OIDC mode). */
  readonly identity?: IdentityStatus;
}

function short(text: string, max = 32): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The status bar item's text, tooltip and colour for a state (pure, so it reads like a table). */
export function statusPresentation(v: StatusView): {
  text: string;
  tooltip: string;
  tone: 'normal' | 'warning' | 'error';
} {
  const left = v.pending > 0 && v.nextRefusalMs !== undefined ? countdown(v.nextRefusalMs) : undefined;
  const pending = v.pending > 0 ? ` $(bell-dot) ${v.pending}${left ? ` · ${left}` : ''}` : '';
  const pendingLine =
    v.pending > 0
      ? `\n\n${v.pending} call${v.pending === 1 ? '' : 's'} waiting for your approval.${left ? ` The first is refused automatically in ${left} unless you decide.` : ''}`
      : '';
  switch (v.gateway.kind) {
    case 'running': {
      const id = identityPresentation(v.identity);
      return {
        text: `$(shield) Airlock · ${short(v.taskName ?? 'no task')}${id.text}${pending}`,
        tooltip: `Airlock gateway running on 127.0.0.1:${v.gateway.port}.\n\nCurrent task: ${v.taskName ?? 'none'}.${id.line ? `\n\n${id.line}` : ''}${pendingLine}`,
        tone: v.pending > 0 || id.signedOut ? 'warning' : 'normal',
      };
    }
    case 'starting':
      return {
        text: '$(sync~spin) Airlock · starting',
        tooltip: 'Starting the Airlock gateway…',
        tone: 'normal',
      };
    case 'restarting':
      return {
        text: '$(warning) Airlock · restarting',
        tooltip: `${v.gateway.reason} Restarting it in ${Math.round(v.gateway.delayMs / 1000)} s (attempt ${v.gateway.attempt}). AWS calls from terminals fail until it is back.`,
        tone: 'warning',
      };
    case 'failed':
      return {
        text: '$(error) Airlock · gateway stopped',
        tooltip: `${v.gateway.reason}\n\nAWS calls from terminals fail. See "Airlock: Show Gateway Log", fix the setting, then "Airlock: Restart Gateway".`,
        tone: 'error',
      };
    case 'stopped':
      return {
        text: '$(circle-slash) Airlock · stopped',
        tooltip: 'The Airlock gateway is not running.',
        tone: 'warning',
      };
  }
}
