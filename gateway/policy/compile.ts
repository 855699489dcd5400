import { compileArnPattern, type ArnPattern } from './arn-pattern';
import type { CompiledPolicy, CompiledStatement } from './compiled';
import { compileConditionBlock } from './condition';
import { PolicyError } from './errors';
import { compileMatcher, type Matcher } from './matcher';
import { tokenize } from './tokens';

/**
 * Validates an IAM policy document (a task scope: identity/session-policy grammar) and compiles
 * it for `evaluate`. Accepts the parsed document or its JSON text. Throws PolicyError with the
 * path of the first offending element.
 *
 * Choices where AWS leaves room: Principal/NotPrincipal are rejected (not valid in a scope);
 * empty Action/Resource lists are rejected (an empty NotAction would silently grant everything);
 * policy variables are honoured only under Version 2012-10-17, as in IAM.
 */
export interface CompileOptions {
  /**
   * Every statement's match restricts the call (deny and ask rule sets, whose statements are all
   * Allow): a resource whose account is not known yet then matches patterns naming an account.
   * Otherwise only Deny statements do (see CompiledStatement.unknownAccountMatches).
   */
  readonly matchRestricts?: boolean;
}

export function compilePolicy(doc: unknown, options: CompileOptions = {}): CompiledPolicy {
  const root = typeof doc === 'string' ? parseJson(doc) : doc;
  if (!isObject(root)) throw new PolicyError('InvalidDocument', '', 'a policy document is a JSON object');
  for (const key of Object.keys(root)) {
    if (key !== 'Version' && key !== 'Statement' && key !== 'Id') {
      throw new PolicyError('UnknownElement', key, `unknown element ${key}`);
    }
  }
  const version = root['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new PolicyError('InvalidVersion', 'Version', 'Version must be "2012-10-17" or "2008-10-17"');
  }
  if (root['Id'] !== undefined && typeof root['Id'] !== 'string') {
    throw new PolicyError('InvalidDocument', 'Id', 'Id must be a string');
  }
  const variables = version === '2012-10-17';
  const raw = root['Statement'];
  if (raw === undefined) throw new PolicyError('MissingStatement', 'Statement', 'Statement is required');
  const list: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((s, i) =>
    compileStatement(
      s,
      Array.isArray(raw) ? `Statement[${i}]` : 'Statement',
      i,
      variables,
      options.matchRestricts === true,
    ),
  );
  return {
    version,
    denies: statements.filter((s) => s.deny),
    allows: statements.filter((s) => !s.deny),
    usesContext: statements.some((s) => s.conditions.length > 0 || s.usesVariables),
    statementCount: statements.length,
  };
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

function compileStatement(
  raw: unknown,
  path: string,
  index: number,
  variables: boolean,
  matchRestricts: boolean,
): CompiledStatement & { usesVariables: boolean } {
  if (!isObject(raw)) throw new PolicyError('InvalidStatement', path, 'a statement is an object');
  for (const key of Object.keys(raw)) {
    if (key === 'Principal' || key === 'NotPrincipal') {
      throw new PolicyError('UnsupportedElement', `${path}.${key}`, `${key} has no meaning in a task scope`);
    }
    if (!STATEMENT_KEYS.has(key))
      throw new PolicyError('UnknownElement', `${path}.${key}`, `unknown element ${key}`);
  }
  const sid = raw['Sid'];
  if (sid !== undefined && typeof sid !== 'string')
    throw new PolicyError('InvalidSid', `${path}.Sid`, 'Sid must be a string');
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyError('InvalidEffect', `${path}.Effect`, 'Effect must be "Allow" or "Deny"');
  }
  const [actionKey, actionRaw] = exactlyOne(raw, 'Action', 'NotAction', path, 'MissingAction');
  const [resourceKey, resourceRaw] = exactlyOne(raw, 'Resource', 'NotResource', path, 'MissingResource');
  const actions = stringList(actionRaw, `${path}.${actionKey}`, 'InvalidAction').map(([a, p]) =>
    compileAction(a, p),
  );
  let usesVariables = false;
  const resources = stringList(resourceRaw, `${path}.${resourceKey}`, 'InvalidResource').map(([r, p]) => {
    if (variables && r.includes('${')) usesVariables = true;
    return compileResource(r, p, variables);
  });
  const conditionRaw = raw['Condition'];
  const conditions =
    conditionRaw === undefined ? [] : compileConditionBlock(conditionRaw, `${path}.Condition`, variables);
  const label = sid !== undefined && sid !== '' ? sid : path;
  const deny = effect === 'Deny';
  return {
    index,
    label,
    deny,
    actions,
    notAction: actionKey === 'NotAction',
    resources,
    notResource: resourceKey === 'NotResource',
    unknownAccountMatches: deny || matchRestricts,
    conditions,
    usesVariables,
    result: Object.freeze({
      decision: deny ? 'ExplicitDeny' : 'Allow',
      statement: label,
      statementIndex: index,
    }),
  };
}

function exactlyOne(
  raw: Record<string, unknown>,
  a: string,
  b: string,
  path: string,
  missing: 'MissingAction' | 'MissingResource',
): [string, unknown] {
  const hasA = raw[a] !== undefined;
  const hasB = raw[b] !== undefined;
  if (hasA && hasB)
    throw new PolicyError('ConflictingElements', path, `a statement has ${a} or ${b}, not both`);
  if (!hasA && !hasB) throw new PolicyError(missing, path, `a statement needs ${a} or ${b}`);
  return hasA ? [a, raw[a]] : [b, raw[b]];
}

function stringList(
  raw: unknown,
  path: string,
  code: 'InvalidAction' | 'InvalidResource',
): Array<[string, string]> {
  if (typeof raw === 'string') return [[raw, path]];
  if (!Array.isArray(raw)) throw new PolicyError(code, path, 'expected a string or a list of strings');
  if (raw.length === 0)
    throw new PolicyError('EmptyElement', path, 'an empty list matches nothing (or, negated, everything)');
  return raw.map((v: unknown, i): [string, string] => {
    if (typeof v !== 'string') throw new PolicyError(code, `${path}[${i}]`, 'expected a string');
    return [v, `${path}[${i}]`];
  });
}

const ACTION = /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?-]*$/;

function compileAction(action: string, path: string): Matcher {
  if (action !== '*' && !ACTION.test(action)) {
    throw new PolicyError(
      'InvalidAction',
      path,
      `"${action}" is not an action pattern (service:Action or *)`,
    );
  }
  return compileMatcher(tokenize(action, { wildcards: true, variables: false }), true);
}

function compileResource(resource: string, path: string, variables: boolean): ArnPattern | null {
  if (resource === '*') return null;
  const p = compileArnPattern(resource, { wildcards: true, variables }, true);
  if (p === undefined)
    throw new PolicyError('InvalidResource', path, `"${resource}" is neither "*" nor an ARN pattern`);
  return p;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new PolicyError(
      'InvalidDocument',
      '',
      `not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
