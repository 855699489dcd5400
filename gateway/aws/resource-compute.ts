import { isArn, need, regionalArn, str, strList, type ArnScope, type ServiceMapper } from './iam-arn';
import type { IamRequirement } from './types';

/** Lambda and ECR (EC2: resource-ec2.ts). */

const LAMBDA_RENAMES: Readonly<Record<string, string>> = {
  Invoke: 'InvokeFunction',
  InvokeWithResponseStream: 'InvokeFunction',
  InvokeAsync: 'InvokeAsync',
  GetLayerVersionByArn: 'GetLayerVersion',
};

/** Operations that hand Lambda an execution role, which IAM authorizes as iam:PassRole. */
const LAMBDA_PASSES_ROLE = new Set(['CreateFunction', 'UpdateFunctionConfiguration']);

export const mapLambda: ServiceMapper = (op, p, s) => {
  const action = `lambda:${LAMBDA_RENAMES[op] ?? op}`;
  const name = str(p, 'FunctionName');
  const layer = op === 'GetLayerVersionByArn' ? str(p, 'Arn') : undefined;
  const resource = name === undefined ? layer : functionArn(s, name, str(p, 'Qualifier'));
  const out: IamRequirement[] = [need(action, resource)];
  const role = str(p, 'Role');
  if (LAMBDA_PASSES_ROLE.has(op) && role !== undefined) out.push(need('iam:PassRole', role));
  return out;
};

/**
 * FunctionName may be a name, `name:qualifier`, a partial ARN (`123456789012:function:name`) or a
 * full ARN; a qualifier (version or alias) becomes part of the resource, as IAM sees it.
 */
export function functionArn(s: ArnScope, functionName: string, qualifier?: string): string {
  let base: string;
  let q = qualifier;
  if (isArn(functionName)) {
    base = functionName;
    if (functionName.split(':').length > 7) q = undefined;
  } else {
    const partial = /^(\d{12}):function:(.+)$/.exec(functionName);
    const account = partial?.[1] ?? s.account;
    let name = partial?.[2] ?? functionName;
    const colon = name.indexOf(':');
    if (colon >= 0) {
      q = name.slice(colon + 1);
      name = name.slice(0, colon);
    }
    base = regionalArn(s, 'lambda', `function:${name}`, account);
  }
  return q === undefined || q === '' ? base : `${base}:${q}`;
}

export const mapEcr: ServiceMapper = (op, p, s) => {
  if (op === 'GetAuthorizationToken') return [need('ecr:GetAuthorizationToken')];
  const names = [...strList(p, 'repositoryName'), ...strList(p, 'repositoryNames')];
  const account = str(p, 'registryId') ?? s.account;
  const arns = names.map((n) => (isArn(n) ? n : regionalArn(s, 'ecr', `repository/${n}`, account)));
  const resourceArn = str(p, 'resourceArn');
  return [need(`ecr:${op}`, ...arns, resourceArn)];
};
