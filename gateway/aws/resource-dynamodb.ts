import {
  isArn,
  need,
  record,
  regionalArn,
  str,
  strList,
  type ArnScope,
  type Params,
  type ServiceMapper,
} from './iam-arn';
import type { IamRequirement } from './types';

/**
 * DynamoDB: most operations are authorized as `dynamodb:<Operation>` on the table (or index).
 * Batch and transaction calls touch several tables; transactions are authorized per item as
 * the underlying item action (there is no dynamodb:TransactWriteItems action). PartiQL
 * statements map to dynamodb:PartiQL<Verb> on the table named in the statement.
 */
export const mapDynamoDb: ServiceMapper = (op, p, s) => {
  switch (op) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return [
        need(`dynamodb:${op}`, ...Object.keys(record(p['RequestItems']) ?? {}).map((t) => tableArn(s, t))),
      ];
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return transactItems(s, p['TransactItems'], op === 'TransactGetItems');
    case 'ExecuteStatement':
      return [partiQl(s, str(p, 'Statement'))];
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction':
      return statements(s, p);
    case 'TagResource':
    case 'UntagResource':
    case 'ListTagsOfResource':
      return [need(`dynamodb:${op}`, str(p, 'ResourceArn'))];
    case 'DescribeStream':
    case 'GetShardIterator':
    case 'GetRecords':
      return [need(`dynamodb:${op}`, str(p, 'StreamArn'))];
  }
  const table = str(p, 'TableName', 'TableArn', 'ResourceArn');
  if (table === undefined) return undefined;
  const index = str(p, 'IndexName');
  const arn = tableArn(s, table);
  return [need(`dynamodb:${op}`, index === undefined ? arn : `${arn}/index/${index}`)];
};

/** Table names may be given as ARNs (DynamoDB accepts both). */
export function tableArn(s: ArnScope, table: string): string {
  return isArn(table) ? table : regionalArn(s, 'dynamodb', `table/${table}`);
}

const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

function transactItems(s: ArnScope, raw: unknown, read: boolean): IamRequirement[] {
  const byAction = new Map<string, string[]>();
  for (const item of Array.isArray(raw) ? raw : []) {
    for (const [kind, body] of Object.entries(record(item) ?? {})) {
      const action = TRANSACT_ACTIONS[kind];
      const table = str(record(body) ?? {}, 'TableName');
      if (action === undefined || table === undefined) continue;
      const list = byAction.get(action) ?? [];
      list.push(tableArn(s, table));
      byAction.set(action, list);
    }
  }
  // Items not readable: require every action the transaction could perform, on any table.
  if (byAction.size === 0) {
    return read
      ? [need('dynamodb:GetItem')]
      : ['PutItem', 'UpdateItem', 'DeleteItem'].map((a) => need(`dynamodb:${a}`));
  }
  return [...byAction].map(([action, tables]) => need(`dynamodb:${action}`, ...new Set(tables)));
}

const PARTIQL = /^\s*(SELECT|INSERT|UPDATE|DELETE|EXISTS)\b/i;
const PARTIQL_TABLE = /\b(?:FROM|INTO|UPDATE)\s+"?([A-Za-z0-9_.-]+)"?(?:\."?([A-Za-z0-9_.-]+)"?)?/i;

/** `SELECT * FROM "orders"."byCustomer" WHERE ...` → dynamodb:PartiQLSelect on the index. */
function partiQl(s: ArnScope, statement: string | undefined): IamRequirement {
  const verb = statement === undefined ? undefined : PARTIQL.exec(statement)?.[1]?.toUpperCase();
  const action =
    verb === 'INSERT' ? 'Insert' : verb === 'UPDATE' ? 'Update' : verb === 'DELETE' ? 'Delete' : 'Select';
  const m = statement === undefined ? null : PARTIQL_TABLE.exec(statement);
  const table = m?.[1];
  if (table === undefined) return need(`dynamodb:PartiQL${action}`);
  const arn = tableArn(s, table);
  return need(`dynamodb:PartiQL${action}`, m?.[2] === undefined ? arn : `${arn}/index/${m[2]}`);
}

function statements(s: ArnScope, p: Params): IamRequirement[] {
  const list = p['Statements'] ?? p['TransactStatements'];
  const texts = Array.isArray(list)
    ? list.map((x) => str(record(x) ?? {}, 'Statement'))
    : strList(p, 'Statements');
  const out = texts.filter((t): t is string => t !== undefined).map((t) => partiQl(s, t));
  return out.length > 0 ? out : [need('dynamodb:PartiQLSelect')];
}
