import type { Identified } from '../aws/types';
import { readAssumedRole, withDerivedCredentials } from '../identity/assume-role-rewrite';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';

/**
 * An agent's sts:AssumeRole: AWS's credentials stay in the gateway (a child session of the task)
 * and the agent's copy of the answer carries a derived key bound to that session, so the role
 * stays usable and every call made with it still passes, and is recorded by, the gateway.
 */
export function assumedRoleRewriter(
  ctx: CallContext,
  id: Identified,
  deps: Pick<PipelineDeps, 'children' | 'childIssued'>,
): ((text: string, status: number, asReceived: string) => string | undefined) | undefined {
  const children = deps.children;
  const task = ctx.task;
  if (!children || !task || id.iamPrefix !== 'sts' || id.operation !== 'AssumeRole') return undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return (text, status, asReceived) => {
    if (status !== 200) return undefined;
    const real = readAssumedRole(asReceived);
    if (!real) return undefined;
    const { child, secret } = children.issue(task.taskId, real, {
      roleArn: str(id.params.RoleArn) ?? real.roleArn,
      roleSessionName: str(id.params.RoleSessionName),
    });
    deps.childIssued?.(child);
    return withDerivedCredentials(text, {
      accessKeyId: child.accessKeyId,
      secretAccessKey: secret,
      sessionToken: child.sessionToken,
    });
  };
}
