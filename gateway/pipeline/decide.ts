import type { IamMapping, Identified } from '../aws/types';
import { compilePolicy, type CompiledPolicy, evaluateMapping } from '../policy';
import type { TaskInfo } from '../protocol';
import type { Decision } from './call-context';

export interface DecisionInput {
  readonly task: TaskInfo;
  readonly identified: Identified;
  readonly mapping: IamMapping;
  readonly sourceIp?: string;
  readonly now: Date;
}

function describe(action: string, resource: string): string {
  return resource === '*' ? action : `${action} on ${resource}`;
}

/** Context keys the gateway knows for condition evaluation. */
function conditionContext(input: DecisionInput): Record<string, string | string[] | undefined> {
  const p = input.identified.params;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    'aws:RequestedRegion': input.identified.region,
    'aws:CurrentTime': input.now.toISOString(),
    'aws:EpochTime': String(Math.floor(input.now.getTime() / 1000)),
    'aws:SourceIp': input.sourceIp,
    // The leg to AWS is always TLS; the agent-to-gateway leg is loopback.
    'aws:SecureTransport': 'true',
    's3:prefix': str(p.Prefix),
    's3:delimiter': str(p.Delimiter),
    's3:max-keys':
      typeof p.MaxKeys === 'string' || typeof p.MaxKeys === 'number' ? String(p.MaxKeys) : undefined,
  };
}

/**
 * Decides a call against the task's scope (an IAM policy document). Every IAM action the call
 * needs must be allowed on every resource it touches; an explicit Deny anywhere wins. Without a
 * scope the task may do anything (workspace rules arrive with the policy stage).
 */
export class ScopeDecider {
  private readonly compiled = new Map<string, CompiledPolicy>();

  /** Compiles (and so validates) a scope; throws the policy core's typed error when invalid. */
  prepare(taskId: string, scope: unknown): void {
    if (scope !== undefined) this.compiled.set(taskId, compilePolicy(scope));
  }

  private scopeOf(task: TaskInfo): CompiledPolicy | undefined {
    if (task.scope === undefined) return undefined;
    let c = this.compiled.get(task.taskId);
    if (!c) {
      c = compilePolicy(task.scope);
      this.compiled.set(task.taskId, c);
    }
    return c;
  }

  decide(input: DecisionInput): Decision {
    const scope = this.scopeOf(input.task);
    const op = input.identified.operation;
    if (!scope) {
      return {
        decision: 'allow',
        reason: op ? 'task has no scope: allowed' : 'task has no scope: unidentified operation allowed',
      };
    }
    // AWS answers GetCallerIdentity whatever the policies say; agents use it to orient themselves.
    if (input.identified.service === 'sts' && op === 'GetCallerIdentity') {
      return { decision: 'allow', reason: 'sts:GetCallerIdentity is always allowed (as in AWS)' };
    }
    const r = evaluateMapping(scope, input.mapping, conditionContext(input));
    if (r.decision !== 'Allow') {
      const why = r.decision === 'ExplicitDeny' ? 'explicitly denied by' : 'outside';
      return {
        decision: 'deny',
        reason: `Airlock denied ${describe(r.action ?? `${input.identified.iamPrefix}:${op ?? '*'}`, r.resource ?? '*')}: ${why} the scope of task "${input.task.name}"`,
        rule: r.decision === 'ExplicitDeny' && r.statement ? `scope:${r.statement}` : 'scope',
      };
    }
    if (!op) return { decision: 'allow', reason: 'unidentified operation allowed by the task scope' };
    return { decision: 'allow', reason: `allowed by the scope of task "${input.task.name}"` };
  }
}
