import type { EventBus } from '../approvals/event-bus';
import type { Journal } from '../journal/journal';
import type { Logger } from '../server/logger';
import type { TaskRegistry } from '../tasks/task-registry';
import type { StsEndpoint } from '../upstream/sts-client';
import { ChildSessions } from './child-sessions';
import { identityRecorder, startIdentityMode, type IdentityMode } from './identity-mode';
import type { OidcConfig } from './oidc-config';
import type { RefreshTokenLine } from '../protocol';

/** The gateway's credential mode and the role sessions agents assume, wired to its journal and events. */
export async function gatewayIdentity(
  opts: {
    profile?: string;
    oidc?: OidcConfig;
    dataDir: string;
    region: string;
    log: Logger;
    reportRefreshToken?: (line: RefreshTokenLine) => void;
  },
  sts: StsEndpoint,
  masterKey: Buffer,
  state: { journal: Journal; tasks: TaskRegistry; events: EventBus },
): Promise<{ identity: IdentityMode; children: ChildSessions }> {
  const children = new ChildSessions(masterKey);
  const identity = await startIdentityMode({
    ...opts,
    sts,
    ...identityRecorder(state.journal, state.tasks, state.events, children),
  });
  return { identity, children };
}
