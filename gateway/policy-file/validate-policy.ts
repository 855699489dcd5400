import { LinearPattern } from '../masking/linear-pattern';
import type { PathSegment } from './json-positions';
import { describe, formatPath, knownKeys, object, ShapeError, stringList, text } from './shape-checks';
import {
  type MaskRule,
  type OutOfScope,
  POLICY_FILE_VERSION,
  type PolicyRule,
  type ScopeDocument,
  type TrustedSignerEntry,
  type UnknownOperations,
  type WorkspacePolicy,
} from './types';

/** Default approval timeout: inside the AWS CLI's 60 s read timeout, so the CLI sees our answer. */
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 50;
export const MAX_APPROVAL_TIMEOUT_SECONDS = 3600;

export const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** `service:Action` with IAM wildcards, or `*`. The service part is lower-case in IAM. */
export const ACTION_PATTERN = /^(?:\*|[a-z0-9*?-]+:[A-Za-z0-9*?-]+)$/;
const IDENTITY = /^(?:(?:user|agent|group):)?[^\s:][^\s]*$/;

const TOP_KEYS = [
  '$schema',
  'version',
  'description',
  'denyRules',
  'askRules',
  'maskRules',
  'groups',
  'scopeTemplates',
  'outOfScope',
  'unknownOperations',
  'approvalTimeoutSeconds',
  'trustedSigners',
] as const;
const RULE_KEYS = ['id', 'reason', 'actions', 'resources', 'identities', 'approvers', 'conditions'] as const;
const MASK_KEYS = [
  'id',
  'reason',
  'actions',
  'service',
  'operation',
  'fields',
  'jsonPaths',
  'pattern',
  'mode',
] as const;

function checkAction(s: string, p: PathSegment[]): void {
  if (!ACTION_PATTERN.test(s))
    throw new ShapeError(
      p,
      `"${s}" is not an IAM action pattern: write service:Action with * or ? wildcards, e.g. "iam:Create*", "*:Delete*", "s3:*Object"`,
    );
}

function checkResource(s: string, p: PathSegment[]): void {
  if (s !== '*' && !s.startsWith('arn:'))
    throw new ShapeError(
      p,
      `"${s}" is not an ARN pattern: write "*" or arn:partition:service:region:account:resource, e.g. "arn:aws:s3:::prod-*"`,
    );
}

function checkIdentity(s: string, p: PathSegment[]): void {
  if (!IDENTITY.test(s))
    throw new ShapeError(p, `"${s}" is not an identity pattern: write user:NAME, agent:LABEL or group:NAME`);
}

function rule(v: unknown, path: PathSegment[], ids: Map<string, string>): PolicyRule {
  const o = object(v, path, 'a rule');
  knownKeys(o, RULE_KEYS, path, 'rule property');
  if (o.id === undefined) throw new ShapeError(path, 'a rule needs an "id"');
  const id = text(o.id, [...path, 'id'], 'id');
  if (!RULE_ID.test(id))
    throw new ShapeError(
      [...path, 'id'],
      `rule id "${id}" must be letters, digits, ".", "_" or "-" (at most 128)`,
    );
  const seen = ids.get(id);
  if (seen !== undefined) throw new ShapeError([...path, 'id'], `rule id "${id}" is already used by ${seen}`);
  ids.set(id, formatPath(path));
  if (o.reason === undefined)
    throw new ShapeError(path, `rule "${id}" needs a "reason" (it is shown to the agent and the approver)`);
  const reason = text(o.reason, [...path, 'reason'], 'reason');
  if (o.actions === undefined) throw new ShapeError(path, `rule "${id}" needs "actions"`);
  const out: {
    -readonly [K in keyof PolicyRule]: PolicyRule[K];
  } = {
    id,
    reason,
    actions: stringList(o.actions, [...path, 'actions'], 'actions', checkAction),
  };
  if (o.resources !== undefined)
    out.resources = stringList(o.resources, [...path, 'resources'], 'resources', checkResource);
  if (o.identities !== undefined)
    out.identities = stringList(o.identities, [...path, 'identities'], 'identities', checkIdentity);
  if (o.approvers !== undefined)
    out.approvers = stringList(o.approvers, [...path, 'approvers'], 'approvers', checkIdentity);
  if (o.conditions !== undefined) {
    const c = object(o.conditions, [...path, 'conditions'], 'conditions (an IAM Condition block)');
    for (const [op, block] of Object.entries(c))
      object(block, [...path, 'conditions', op], `condition ${op}`);
    out.conditions = c as PolicyRule['conditions'];
  }
  return out;
}

function rules(v: unknown, key: string, ids: Map<string, string>): PolicyRule[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ShapeError([key], `${key} must be a list of rules`);
  return v.map((r, i) => rule(r, [key, i], ids));
}

function maskRule(v: unknown, path: PathSegment[], ids: Set<string>): MaskRule {
  const o = object(v, path, 'a mask rule');
  knownKeys(o, MASK_KEYS, path, 'mask rule property');
  if (o.id === undefined) throw new ShapeError(path, 'a mask rule needs an "id"');
  const id = text(o.id, [...path, 'id'], 'id');
  if (!RULE_ID.test(id))
    throw new ShapeError([...path, 'id'], `mask rule id "${id}" must be letters, digits, ".", "_" or "-"`);
  if (ids.has(id)) throw new ShapeError([...path, 'id'], `mask rule id "${id}" is used twice`);
  ids.add(id);
  const list = (
    k: string,
    check: (s: string, p: PathSegment[]) => void = () => undefined,
  ): string[] | undefined => (o[k] === undefined ? undefined : stringList(o[k], [...path, k], k, check));
  const mode = o.mode ?? 'mask';
  if (mode !== 'mask' && mode !== 'recording-only')
    throw new ShapeError([...path, 'mode'], `mode must be "mask" or "recording-only", not ${describe(mode)}`);
  const out: { -readonly [K in keyof MaskRule]: MaskRule[K] } = { id, mode };
  if (o.reason !== undefined) out.reason = text(o.reason, [...path, 'reason'], 'reason');
  out.actions = list('actions', checkAction);
  if (o.service !== undefined) out.service = text(o.service, [...path, 'service'], 'service');
  if (o.operation !== undefined) out.operation = text(o.operation, [...path, 'operation'], 'operation');
  out.fields = list('fields');
  out.jsonPaths = list('jsonPaths', (s, p) => {
    if (!/^\$(\.[^.[\]]+|\[(\*|\d+)\])*$/.test(s))
      throw new ShapeError(p, `"${s}" is not a JSON path like $.Parameter.Value or $.Parameters[*].Value`);
  });
  if (o.pattern !== undefined) {
    const pattern = text(o.pattern, [...path, 'pattern'], 'pattern');
    try {
      // The linear matcher masking runs patterns with (a policy's regex must never stall the gateway).
      LinearPattern.compile(pattern);
    } catch (e) {
      throw new ShapeError([...path, 'pattern'], `not a valid regular expression: ${(e as Error).message}`);
    }
    out.pattern = pattern;
  }
  if (!out.fields && !out.jsonPaths && !out.pattern)
    throw new ShapeError(path, `mask rule "${id}" must name "fields", "jsonPaths" or a "pattern" to mask`);
  for (const k of Object.keys(out) as (keyof MaskRule)[]) if (out[k] === undefined) delete out[k];
  return out;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

function trustedSigners(v: unknown): TrustedSignerEntry[] {
  if (!Array.isArray(v))
    throw new ShapeError(['trustedSigners'], 'trustedSigners must be a list of {"fingerprint", "name"}');
  return v.map((e, i) => {
    const path: PathSegment[] = ['trustedSigners', i];
    const o = object(e, path, 'a trusted signer');
    knownKeys(o, ['fingerprint', 'name'], path, 'trusted signer property');
    const fingerprint = text(o.fingerprint, [...path, 'fingerprint'], 'fingerprint');
    if (!FINGERPRINT.test(fingerprint))
      throw new ShapeError(
        [...path, 'fingerprint'],
        `"${fingerprint}" is not a signer fingerprint: write it as airlock prints it, SHA256: and 43 base64 characters`,
      );
    return o.name === undefined
      ? { fingerprint }
      : { fingerprint, name: text(o.name, [...path, 'name'], 'name') };
  });
}

function groups(v: unknown): Record<string, string[]> {
  if (v === undefined) return {};
  const o = object(v, ['groups'], 'groups (name → identity patterns)');
  const out: Record<string, string[]> = {};
  for (const [name, members] of Object.entries(o)) {
    if (!RULE_ID.test(name))
      throw new ShapeError(
        ['groups', name],
        `group name "${name}" must be letters, digits, ".", "_" or "-"`,
        true,
      );
    out[name] = stringList(members, ['groups', name], 'group members', (s, p) => {
      checkIdentity(s, p);
      if (s.startsWith('group:')) throw new ShapeError(p, 'groups cannot contain groups');
    });
  }
  return out;
}

/**
 * Checks the shape of a parsed policy file and fills in defaults. Patterns inside rules and
 * scope templates are checked again, semantically, when they are compiled (compile-policy.ts).
 */
export function validatePolicy(doc: unknown): WorkspacePolicy {
  const o = object(doc, [], 'the workspace policy');
  knownKeys(o, TOP_KEYS, [], 'setting');
  if (o.$schema !== undefined) text(o.$schema, ['$schema'], '$schema');
  if (o.description !== undefined) text(o.description, ['description'], 'description', false);
  const version = o.version ?? POLICY_FILE_VERSION;
  if (version !== POLICY_FILE_VERSION)
    throw new ShapeError(
      ['version'],
      `this gateway reads policy version ${POLICY_FILE_VERSION}, not ${describe(version)}`,
    );
  const ids = new Map<string, string>();
  const denyRules = rules(o.denyRules, 'denyRules', ids);
  const askRules = rules(o.askRules, 'askRules', ids);
  const maskIds = new Set<string>();
  let maskRules: MaskRule[] = [];
  if (o.maskRules !== undefined) {
    if (!Array.isArray(o.maskRules))
      throw new ShapeError(['maskRules'], 'maskRules must be a list of mask rules');
    maskRules = o.maskRules.map((m, i) => maskRule(m, ['maskRules', i], maskIds));
  }
  const groupMap = groups(o.groups);
  const scopeTemplates: Record<string, ScopeDocument> = {};
  if (o.scopeTemplates !== undefined) {
    const t = object(o.scopeTemplates, ['scopeTemplates'], 'scopeTemplates (name → IAM policy document)');
    for (const [name, d] of Object.entries(t)) {
      if (name.trim() === '' || name.length > 100)
        throw new ShapeError(['scopeTemplates', name], 'a template name must be 1 to 100 characters', true);
      scopeTemplates[name] = object(
        d,
        ['scopeTemplates', name],
        `scope template "${name}" (an IAM policy document)`,
      );
    }
  }
  const outOfScope = (o.outOfScope ?? 'deny') as OutOfScope;
  if (outOfScope !== 'deny' && outOfScope !== 'ask')
    throw new ShapeError(['outOfScope'], `outOfScope must be "deny" or "ask", not ${describe(o.outOfScope)}`);
  const unknownOperations = (o.unknownOperations ?? 'ask') as UnknownOperations;
  if (unknownOperations !== 'ask' && unknownOperations !== 'deny')
    throw new ShapeError(
      ['unknownOperations'],
      `unknownOperations must be "ask" or "deny" (an unidentified call is never allowed), not ${describe(o.unknownOperations)}`,
    );
  const timeout = o.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS;
  if (
    typeof timeout !== 'number' ||
    !Number.isInteger(timeout) ||
    timeout < 1 ||
    timeout > MAX_APPROVAL_TIMEOUT_SECONDS
  )
    throw new ShapeError(
      ['approvalTimeoutSeconds'],
      `approvalTimeoutSeconds must be a whole number from 1 to ${MAX_APPROVAL_TIMEOUT_SECONDS}, not ${describe(timeout)}`,
    );
  return {
    version: POLICY_FILE_VERSION,
    denyRules,
    askRules,
    maskRules,
    groups: groupMap,
    scopeTemplates,
    outOfScope,
    unknownOperations,
    approvalTimeoutSeconds: timeout,
    ...(o.trustedSigners === undefined ? {} : { trustedSigners: trustedSigners(o.trustedSigners) }),
  };
}
