import type { ApprovalFact, ApprovalRisk, RiskLevel } from '../protocol';
import { readPolicy } from './policy-reading';

/**
 * What a person needs to decide on a held call beyond its one-line summary: a risk level with its
 * reasons, and the parameters that matter, readable. Works on the parameters after masking (the
 * approval carries nothing else), so no fact can hold a secret.
 */

export interface AssessInput {
  readonly action: string;
  readonly operation?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface Assessment {
  readonly risk: ApprovalRisk;
  readonly facts: ApprovalFact[];
}

/** AWS managed policies that hand out (nearly) everything, or the power to take it. */
const POWERFUL_POLICIES: Readonly<Record<string, string>> = {
  AdministratorAccess: 'every action on every resource of the account',
  PowerUserAccess: 'every action except IAM and Organizations management',
  IAMFullAccess: 'full control of IAM, so it can grant itself anything',
  AWSOrganizationsFullAccess: 'full control of the organization',
};

const POLICY_PARAMS = ['PolicyDocument', 'AssumeRolePolicyDocument', 'Policy', 'ResourcePolicy'];

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function verbOf(action: string): string {
  return action.split(':')[1] ?? action;
}

function isRead(action: string): boolean {
  return /^(Get|List|Describe|Head|Search|Select|Scan|Query|BatchGet|Lookup)/.test(verbOf(action));
}

function isDestructive(action: string): boolean {
  return /^(Delete|Terminate|Remove|Purge|Destroy|ScheduleKeyDeletion|Disable|Detach|Revoke|Deregister)/.test(
    verbOf(action),
  );
}

/** Risk, reasons and facts for a held call. */
export function assessCall(input: AssessInput): Assessment {
  const { action, params } = input;
  const facts: ApprovalFact[] = [];
  const high: string[] = [];
  const medium: string[] = [];
  const service = action.split(':')[0] ?? '';

  const policyArn = str(params.PolicyArn);
  if (policyArn) {
    const name = policyArn.split('/').pop() ?? policyArn;
    const power = POWERFUL_POLICIES[name];
    facts.push({
      label: 'Policy',
      value: policyArn,
      ...(power ? { warning: `${name} grants ${power}` } : {}),
    });
    if (power && /^(Attach|Put)/.test(verbOf(action))) high.push(`grants ${name}: ${power}`);
  }

  for (const key of POLICY_PARAMS) {
    if (params[key] === undefined) continue;
    const reading = readPolicy(params[key]);
    if (!reading) {
      facts.push({
        label: key,
        value: String(str(params[key]) ?? JSON.stringify(params[key])),
        document: true,
      });
      continue;
    }
    const trust = key === 'AssumeRolePolicyDocument' || action === 'iam:UpdateAssumeRolePolicy';
    facts.push({
      label: trust ? 'Trust policy (who may assume the role)' : `${key}`,
      value: reading.pretty,
      document: true,
      ...(reading.broad.length > 0 ? { warning: `Broad: ${reading.broad.join('; ')}` } : {}),
    });
    for (const b of reading.broad) high.push(trust ? `trust policy: ${b}` : `grants ${b}`);
  }

  const cidr = str(params.CidrIp) ?? str(params.CidrIpv6);
  if (cidr) {
    const open = cidr === '0.0.0.0/0' || cidr === '::/0';
    facts.push({ label: 'Source', value: cidr, ...(open ? { warning: 'open to the whole internet' } : {}) });
    if (open) high.push(`opens a security group to the whole internet (${cidr})`);
  }

  const instances = params.InstanceId ?? params.InstanceIds;
  if (verbOf(action) === 'TerminateInstances' && instances !== undefined) {
    const ids = (Array.isArray(instances) ? instances : [instances]).map((x) => str(x) ?? '?');
    facts.push({
      label: 'Terminates',
      value: ids.join(', '),
      warning: 'terminated instances cannot be started again',
    });
    high.push(`terminates ${ids.length} instance${ids.length === 1 ? '' : 's'}`);
  }
  if (params.SkipFinalSnapshot === true || params.SkipFinalSnapshot === 'true') {
    facts.push({ label: 'Final snapshot', value: 'skipped', warning: 'the data cannot be restored' });
    high.push('deletes without a final snapshot');
  }
  if (params.ForceDeleteWithoutRecovery === true || params.ForceDeleteWithoutRecovery === 'true') {
    facts.push({ label: 'Recovery window', value: 'none', warning: 'the secret cannot be recovered' });
    high.push('deletes without a recovery window');
  }
  if (verbOf(action) === 'CreateAccessKey') high.push('creates long-lived credentials');
  if (/^(organizations|account):/.test(action) && !isRead(action))
    high.push('changes the account or organization');

  if (isDestructive(action)) medium.push(`${verbOf(action)} cannot be undone by retrying`);
  else if (service === 'iam' && !isRead(action)) medium.push('changes who may do what (IAM)');

  let level: RiskLevel = 'medium';
  if (high.length > 0) level = 'high';
  else if (isRead(action) && medium.length === 0) level = 'low';
  const reasons = level === 'high' ? high : medium;
  return { risk: { level, reasons: [...new Set(reasons)] }, facts };
}
