import * as vscode from 'vscode';
import type { GatewaySettings } from './gateway/gateway-args';

import type { RoutingMode } from './tasks/task-env';

export type { RoutingMode };

export interface AirlockSettings extends GatewaySettings {
  readonly routing: readonly RoutingMode[];
}

/** Reads the `airlock.*` settings, with the defaults package.json declares. */
export function readSettings(): AirlockSettings {
  const c = vscode.workspace.getConfiguration('airlock');
  const level = c.get<string>('gateway.logLevel', 'info');
  const routing = c
    .get<string[]>('routing.modes', ['endpoint', 'proxy'])
    .filter((m): m is RoutingMode => m === 'endpoint' || m === 'proxy');
  return {
    region: c.get<string>('aws.region', ''),
    profile: c.get<string>('aws.profile', ''),
    upstreamUrl: c.get<string>('gateway.upstreamUrl', ''),
    accountId: c.get<string>('gateway.accountId', ''),
    approvalTimeoutSeconds: c.get<number | null>('approvals.timeoutSeconds', null),
    retentionDays: c.get<number>('recording.retentionDays', 0),
    syncResponses: c.get<boolean>('recording.syncResponses', false),
    logLevel: level === 'debug' || level === 'warn' || level === 'error' ? level : 'info',
    oidcIssuer: c.get<string>('oidc.issuer', ''),
    oidcClientId: c.get<string>('oidc.clientId', ''),
    oidcRoleArn: c.get<string>('oidc.roleArn', ''),
    routing,
  };
}

/** Settings whose change needs a gateway restart. */
export const GATEWAY_SETTINGS = [
  'airlock.aws.region',
  'airlock.aws.profile',
  'airlock.gateway.upstreamUrl',
  'airlock.gateway.accountId',
  'airlock.approvals.timeoutSeconds',
  'airlock.recording.retentionDays',
  'airlock.recording.syncResponses',
  'airlock.gateway.logLevel',
  'airlock.oidc.issuer',
  'airlock.oidc.clientId',
  'airlock.oidc.roleArn',
];
