import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import {
  compilePolicy,
  evaluate,
  timeDecisions,
  type Decision,
  type EvaluationRequest,
} from '../../gateway/policy';
import { generateCase, type GeneratedCase } from './support/policy-gen';
import { ACCOUNT } from './support/policy-gen-resources';

/**
 * Differential test: our compiled evaluator against @cloud-copilot/iam-simulate (AGPL, dev
 * dependency only) on seeded random policy/request pairs. Only the oracle's identity-policy
 * analysis is compared: no SCPs, RCPs, resource or session policies. Features where the two
 * differ by design or by oracle bug are excluded from generation; see support/policy-gen.ts.
 *
 * Reproduce one case: POLICY_DIFF_SEED=<seed> POLICY_DIFF_CASES=1 node --import tsx --test ...
 */

const BASE_SEED = Number(process.env['POLICY_DIFF_SEED'] ?? 0x5eed1000);
const CASES = Number(process.env['POLICY_DIFF_CASES'] ?? 12_000);

const ORACLE_DECISION: Record<string, Decision> = {
  Allowed: 'Allow',
  ExplicitlyDenied: 'ExplicitDeny',
  ImplicitlyDenied: 'ImplicitDeny',
};

interface OracleVerdict {
  readonly decision: Decision;
  /** 0-based indexes of the statements the oracle found deciding for that decision. */
  readonly statements: ReadonlySet<number>;
}

async function oracle(c: GeneratedCase): Promise<OracleVerdict> {
  const res = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
        action: c.action,
        resource: { resource: c.resource, accountId: ACCOUNT },
        contextVariables: c.context,
      },
      identityPolicies: [{ name: 'scope', policy: c.policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (res.resultType !== 'single') throw new Error(`oracle rejected case ${c.seed}: ${JSON.stringify(res)}`);
  const ignored = res.result.ignoredContextKeys ?? [];
  if (ignored.length > 0)
    throw new Error(`oracle ignored context keys ${ignored.join(',')} in case ${c.seed}`);
  const identity = res.result.analysis.identityAnalysis;
  if (identity === undefined) throw new Error(`oracle skipped identity analysis in case ${c.seed}`);
  const decision = ORACLE_DECISION[identity.result];
  if (decision === undefined) throw new Error(`unexpected oracle result ${identity.result}`);
  const deciding = decision === 'ExplicitDeny' ? identity.denyStatements : identity.allowStatements;
  return { decision, statements: new Set(deciding.map((s) => s.statement.index() - 1)) };
}

const REQUIRED_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];

/** Counts the features a generated policy uses, to show (and assert) what the run covered. */
function tally(features: Map<string, number>, policy: GeneratedCase['policy']): void {
  const bump = (f: string): void => void features.set(f, (features.get(f) ?? 0) + 1);
  const statements: unknown[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  for (const raw of statements) {
    const st = raw as Record<string, unknown>;
    for (const el of ['NotAction', 'NotResource']) if (el in st) bump(el);
    if (JSON.stringify(st).includes('${')) bump('variables');
    for (const op of Object.keys(st['Condition'] ?? {})) {
      const [qualifier, base = ''] = op.includes(':') ? op.split(':') : [undefined, op];
      if (qualifier !== undefined) bump(qualifier);
      if (base.endsWith('IfExists')) bump('IfExists');
      bump(base.replace(/IfExists$/, ''));
    }
  }
}

void test(`differential: ${CASES} seeded policy/request pairs agree with iam-simulate`, async () => {
  const counts: Record<Decision, number> = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
  const disagreements: string[] = [];
  const features = new Map<string, number>();
  const requests: Array<{ policy: ReturnType<typeof compilePolicy>; req: EvaluationRequest }> = [];
  for (let i = 0; i < CASES; i++) {
    const c = generateCase(BASE_SEED + i);
    tally(features, c.policy);
    const compiled = compilePolicy(c.policy);
    const req: EvaluationRequest = { action: c.action, resource: c.resource, context: c.context };
    const ours = evaluate(compiled, req);
    const theirs = await oracle(c);
    counts[theirs.decision]++;
    const sameStatement = ours.statementIndex === undefined || theirs.statements.has(ours.statementIndex);
    if (ours.decision !== theirs.decision || !sameStatement) {
      disagreements.push(
        `seed ${c.seed}: ours ${ours.decision} (${ours.statement ?? '-'}) vs oracle ${theirs.decision} ` +
          `[${[...theirs.statements].join(',')}]\n  ${JSON.stringify(c)}`,
      );
    }
    if (requests.length < 2000) requests.push({ policy: compiled, req });
  }
  const agreed = CASES - disagreements.length;
  console.log(
    `policy differential: ${agreed}/${CASES} agree (${((100 * agreed) / CASES).toFixed(3)}%); ` +
      `oracle decisions Allow=${counts.Allow} ExplicitDeny=${counts.ExplicitDeny} ImplicitDeny=${counts.ImplicitDeny}; ` +
      `seeds ${BASE_SEED}..${BASE_SEED + CASES - 1}`,
  );
  console.log(`features (statements using each): ${[...features].map(([k, n]) => `${k}=${n}`).join(' ')}`);
  for (const d of disagreements.slice(0, 10)) console.log(d);

  let total = 0;
  let decisions = 0;
  for (const { policy, req } of requests) {
    const t = timeDecisions(policy, [req], 200);
    total += t.microsPerDecision * t.decisions;
    decisions += t.decisions;
  }
  console.log(`policy evaluate: ${(total / decisions).toFixed(3)} µs/decision over ${decisions} decisions`);

  assert.equal(disagreements.length, 0, `${disagreements.length} disagreements`);
  // Every outcome and every operator must be well represented or the comparison proves little.
  const coverage = [
    ...REQUIRED_OPERATORS,
    'ForAllValues',
    'ForAnyValue',
    'IfExists',
    'NotAction',
    'NotResource',
    'variables',
  ];
  for (const f of coverage) assert.ok((features.get(f) ?? 0) >= CASES / 500, `too few statements use ${f}`);
  for (const d of ['Allow', 'ExplicitDeny', 'ImplicitDeny'] as const) assert.ok(counts[d] > CASES / 10, d);
});
