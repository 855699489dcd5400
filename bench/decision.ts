// Decision time per call: the gateway's CallDecider (workspace deny rules → task scope → ask rules)
// on a realistic policy of 50 rules and a 10-statement scope, next to @cloud-copilot/iam-simulate
// (dev dependency, AGPL: used here and in tests only) deciding the same calls from the same
// documents. `node --import tsx bench/decision.ts` runs it alone; bench/run.ts includes it.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamMapping, Identified } from '../gateway/aws/types';
import { CallDecider, type DecisionInput, type Verdict } from '../gateway/pipeline/decide';
import { DEFAULT_POLICY_DOCUMENT, loadPolicyText } from '../gateway/policy-file';
import type { TaskInfo } from '../gateway/protocol';

const ACCOUNT = '123456789012';
const SERVICES = ['s3', 'dynamodb', 'lambda', 'sqs', 'sns', 'logs', 'kms', 'secretsmanager', 'ssm', 'ecr'];

/** The built-in default's 10 rules plus 40 of the kind teams add: prod fences, region fences, specific asks. */
function workspacePolicy(): Record<string, unknown> {
  const prodArn = (svc: string): string =>
    svc === 's3' ? 'arn:aws:s3:::prod-*' : `arn:aws:${svc}:*:*:*prod*`;
  const askProd = SERVICES.flatMap((svc) => [
    {
      id: `ask-prod-${svc}-writes`,
      reason: `writes to production ${svc} resources need a human`,
      actions: [`${svc}:Put*`, `${svc}:Update*`, `${svc}:Create*`, `${svc}:Delete*`],
      resources: [prodArn(svc)],
    },
    {
      id: `ask-prod-${svc}-tags`,
      reason: `tags on production ${svc} resources drive cost and access`,
      actions: [`${svc}:Tag*`, `${svc}:Untag*`],
      resources: [prodArn(svc)],
    },
  ]);
  const regionFences = SERVICES.map((svc) => ({
    id: `deny-${svc}-outside-home-regions`,
    reason: 'this workspace works in us-east-1 and eu-west-1 only',
    actions: [`${svc}:*`],
    conditions: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
  }));
  const specific = [
    ['ec2:RunInstances', 'arn:aws:ec2:*:*:instance/*'],
    ['ec2:ModifyInstanceAttribute', '*'],
    ['lambda:UpdateFunctionConfiguration', 'arn:aws:lambda:*:*:function:*'],
    ['rds:Modify*', '*'],
    ['cloudformation:ExecuteChangeSet', '*'],
    ['cloudformation:UpdateStack', '*'],
    ['ecs:UpdateService', '*'],
    ['autoscaling:UpdateAutoScalingGroup', '*'],
    ['route53:ChangeResourceRecordSets', '*'],
    ['apigateway:*', 'arn:aws:apigateway:*::/restapis/*/stages/prod'],
  ].map(([action, resource], i) => ({
    id: `ask-change-${i}`,
    reason: 'changes running infrastructure',
    actions: [action],
    resources: [resource],
  }));
  const d = DEFAULT_POLICY_DOCUMENT;
  return {
    outOfScope: 'ask',
    denyRules: [...d.denyRules, ...regionFences],
    askRules: [...d.askRules, ...askProd, ...specific],
  };
}

const SCOPE = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Whoami', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
    {
      Sid: 'AppBuckets',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: ['arn:aws:s3:::app-*/*'],
    },
    { Sid: 'ListAppBuckets', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::app-*' },
    {
      Sid: 'Tables',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/app-*`,
    },
    {
      Sid: 'Functions',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction', 'lambda:UpdateFunctionCode', 'lambda:GetFunction*'],
      Resource: `arn:aws:lambda:*:${ACCOUNT}:function:app-*`,
    },
    {
      Sid: 'Queues',
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: `arn:aws:sqs:*:${ACCOUNT}:app-*`,
    },
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Action: ['logs:*'],
      Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/lambda/app-*`,
    },
    {
      Sid: 'Describe',
      Effect: 'Allow',
      Action: ['ec2:Describe*', 'cloudformation:Describe*', 'iam:Get*', 'iam:List*'],
      Resource: '*',
    },
    {
      Sid: 'HomeRegions',
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
    },
    {
      Sid: 'NoSecrets',
      Effect: 'Deny',
      Action: 'secretsmanager:GetSecretValue',
      NotResource: `arn:aws:secretsmanager:*:${ACCOUNT}:secret:app/*`,
    },
  ],
};

type Call = readonly [action: string, resources: readonly string[], region?: string];

const CALLS: readonly Call[] = [
  ['s3:GetObject', ['arn:aws:s3:::app-uploads/2026/05/01/report.csv']],
  ['s3:PutObject', ['arn:aws:s3:::app-uploads/2026/05/01/out.json']],
  ['s3:ListBucket', ['arn:aws:s3:::app-uploads']],
  ['s3:DeleteObject', ['arn:aws:s3:::app-uploads/tmp/x']],
  ['s3:GetObject', ['arn:aws:s3:::prod-data/customers.csv']],
  ['dynamodb:GetItem', [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/app-orders`]],
  ['dynamodb:Query', [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/app-orders/index/by-date`]],
  ['dynamodb:DeleteTable', [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/app-orders`]],
  ['lambda:InvokeFunction', [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:app-resize`]],
  ['lambda:UpdateFunctionCode', [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:app-resize`]],
  ['sqs:ReceiveMessage', [`arn:aws:sqs:us-east-1:${ACCOUNT}:app-jobs`]],
  ['sqs:DeleteMessage', [`arn:aws:sqs:us-east-1:${ACCOUNT}:app-jobs`]],
  ['logs:PutLogEvents', [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/app-resize:log-stream:x`]],
  ['ec2:DescribeInstances', ['*']],
  ['ec2:TerminateInstances', [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`]],
  ['iam:GetRole', [`arn:aws:iam::${ACCOUNT}:role/app-lambda`]],
  ['iam:CreateRole', [`arn:aws:iam::${ACCOUNT}:role/deploy-bot`]],
  ['iam:AttachRolePolicy', [`arn:aws:iam::${ACCOUNT}:role/deploy-bot`]],
  ['cloudtrail:StopLogging', [`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`]],
  ['secretsmanager:GetSecretValue', [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf`]],
  ['secretsmanager:GetSecretValue', [`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`]],
  ['kms:Decrypt', [`arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]],
  ['s3:GetObject', ['arn:aws:s3:::app-uploads/a']],
  ['dynamodb:PutItem', [`arn:aws:dynamodb:ap-south-1:${ACCOUNT}:table/app-orders`], 'ap-south-1'],
];

const TASK: TaskInfo = {
  taskId: 'bench',
  name: 'fix upload lambda',
  accessKeyId: 'AKIDBENCH',
  startedBy: 'alice',
  startedAt: '2026-05-01T00:00:00Z',
  expiresAt: '2026-05-02T00:00:00Z',
  state: 'active',
  scope: SCOPE,
};

function input(call: Call, now: Date): DecisionInput {
  const [action, resources, region = 'us-east-1'] = call;
  const [prefix = '', operation = ''] = action.split(':');
  const identified: Identified = {
    service: prefix,
    protocol: 'json',
    operation,
    signingName: prefix,
    region,
    iamPrefix: prefix,
    endpointPrefix: prefix,
    params: {},
  };
  const mapping: IamMapping = { requirements: [{ action, resources }] };
  return { task: TASK, identified, mapping, sourceIp: '127.0.0.1', now };
}

type Outcome = 'allow' | 'deny' | 'ask';

/** The same decision from iam-simulate: deny rules, then the scope, then ask rules, each one simulation. */
async function simulate(call: Call, policy: Record<string, unknown>): Promise<Outcome> {
  const [action, resources, region = 'us-east-1'] = call;
  const asDoc = (rules: unknown): unknown => ({
    Version: '2012-10-17',
    Statement: (rules as { actions: string[]; resources?: string[]; conditions?: unknown }[]).map((r) => ({
      Effect: 'Allow',
      Action: r.actions,
      Resource: r.resources ?? '*',
      ...(r.conditions ? { Condition: r.conditions } : {}),
    })),
  });
  const result = async (doc: unknown, resource: string): Promise<string | undefined> => {
    const res = await runSimulation(
      {
        request: {
          principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
          action,
          resource: { resource, accountId: ACCOUNT },
          contextVariables: { 'aws:RequestedRegion': region },
        },
        identityPolicies: [{ name: 'p', policy: doc as never }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    return res.resultType === 'single' ? res.result.analysis.identityAnalysis?.result : undefined;
  };
  const allowed = async (doc: unknown, resource: string): Promise<boolean> =>
    (await result(doc, resource)) === 'Allowed';
  const deny = asDoc(policy.denyRules);
  const ask = asDoc(policy.askRules);
  for (const r of resources) if (await allowed(deny, r)) return 'deny';
  let outcome: Outcome = 'allow';
  for (const r of resources) {
    // An explicit Deny in the scope denies; anything else not allowed asks (outOfScope: "ask").
    const scoped = await result(SCOPE, r);
    if (scoped === 'ExplicitlyDenied') return 'deny';
    if (scoped !== 'Allowed') outcome = 'ask';
  }
  for (const r of resources) if (await allowed(ask, r)) outcome = 'ask';
  return outcome;
}

export interface DecisionBench {
  readonly rules: number;
  readonly scopeStatements: number;
  readonly calls: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  readonly agreementWithIamSimulate: string;
  readonly oursMicrosPerDecision: number;
  readonly iamSimulateMicrosPerDecision: number;
  readonly ratio: number;
  readonly targets: {
    readonly microsPerDecision: { readonly target: string; readonly met: boolean };
    readonly ratio: { readonly target: string; readonly met: boolean };
  };
}

export async function decisionBench(
  rounds = Number(process.env.BENCH_DECISION_ROUNDS ?? 20_000),
): Promise<DecisionBench> {
  const doc = workspacePolicy();
  const effective = loadPolicyText(JSON.stringify(doc), 'bench-policy.json');
  const decider = new CallDecider(() => effective);
  const now = new Date('2026-05-01T12:00:00Z');
  const inputs = CALLS.map((c) => input(c, now));
  const verdicts: Verdict[] = inputs.map((i) => decider.decide(i));

  let sink = 0;
  for (let r = 0; r < 2000; r++) for (const i of inputs) sink += decider.decide(i).reason.length;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const i of inputs) sink += decider.decide(i).reason.length;
  const oursUs = ((performance.now() - t0) * 1000) / (rounds * inputs.length);

  const simulated: Outcome[] = [];
  for (const c of CALLS) simulated.push(await simulate(c, doc)); // warm-up and agreement
  const simRounds = 3;
  const t1 = performance.now();
  for (let r = 0; r < simRounds; r++) for (const c of CALLS) await simulate(c, doc);
  const simUs = ((performance.now() - t1) * 1000) / (simRounds * CALLS.length);

  const agree = verdicts.filter((v, i) => v.decision === simulated[i]).length;
  const outcomes = { allow: 0, deny: 0, ask: 0 };
  for (const v of verdicts) outcomes[v.decision]++;
  const ratio = simUs / oursUs;
  if (sink < 0) throw new Error('unreachable');
  return {
    rules: effective.policy.denyRules.length + effective.policy.askRules.length,
    scopeStatements: SCOPE.Statement.length,
    calls: CALLS.length,
    outcomes,
    agreementWithIamSimulate: `${agree}/${CALLS.length}`,
    oursMicrosPerDecision: +oursUs.toFixed(3),
    iamSimulateMicrosPerDecision: +simUs.toFixed(1),
    ratio: Math.round(ratio),
    targets: {
      microsPerDecision: { target: '< 20', met: oursUs < 20 },
      ratio: { target: '>= 50', met: ratio >= 50 },
    },
  };
}

if (process.argv[1]?.endsWith('decision.ts')) {
  decisionBench().then(
    (r) => process.stdout.write(JSON.stringify({ decision: r }, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`decision bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
