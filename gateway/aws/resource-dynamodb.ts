import { GatewayError } from '../errors/gateway-error';
import {
  isArn,
  need,
  record,
  regionalArn,
  str,
  type ArnScope,
  type Params,
  type ServiceMapper,
} from './iam-arn';
import { readPartiqlHead } from './partiql-head';
import type { IamRequirement } from './types';

/**
 * DynamoDB: most operations are authorized as `dynamodb:<Operation>` on the table (or index).
 * Batch and transaction calls touch several tables; transactions are authorized per item as
 * the underlying item action (there is no dynamodb:TransactWriteItems action). PartiQL
 * statements map to dynamodb:PartiQL<Verb> on the table named in the statement, read by a
 * tokenizer (partiql-head.ts); a statement it cannot read refuses the call (ValidationException).
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
      return [partiQl(s, p['Statement'], 'ExecuteStatement')];
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction':
      return statements(s, op, p);
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

/** DynamoDB refuses longer statements (ExecuteStatement's Statement: 1–8192 characters). */
const MAX_STATEMENT_LENGTH = 8192;

/** `SELECT * FROM "orders"."byCustomer" WHERE ...` → dynamodb:PartiQLSelect on the index. */
function partiQl(s: ArnScope, statement: unknown, where: string): IamRequirement {
  if (typeof statement !== 'string' || statement === '') {
    throw new GatewayError('ValidationException', `${where} has no Statement.`);
  }
  if (statement.length > MAX_STATEMENT_LENGTH) {
    throw new GatewayError(
      'ValidationException',
      `${where} is longer than DynamoDB's ${MAX_STATEMENT_LENGTH} characters; Airlock did not send it to AWS.`,
    );
  }
  const read = readPartiqlHead(statement);
  if (!read.ok) {
    throw new GatewayError(
      'ValidationException',
      `Airlock refused ${where}: it cannot tell for certain which table the statement reads or writes ` +
        `(${read.reason}), so it did not send it to AWS. Write one statement in the form ` +
        'SELECT … FROM "table"[."index"] [WHERE …], INSERT INTO "table" VALUE {…}, ' +
        'UPDATE "table" SET|REMOVE … WHERE …, or DELETE FROM "table" WHERE …, ' +
        'with comments (if any) after whitespace and no backtick literals.',
    );
  }
  const { action, table, index } = read.head;
  const arn = tableArn(s, table);
  return need(`dynamodb:${action}`, index === undefined ? arn : `${arn}/index/${index}`);
}

/**
 * BatchExecuteStatement (`Statements`) and ExecuteTransaction (`TransactStatements`): every
 * statement is read, one action per verb on every table the batch names; a single statement
 * that cannot be read refuses the whole call.
 */
function statements(s: ArnScope, op: string, p: Params): IamRequirement[] {
  const list = op === 'ExecuteTransaction' ? p['TransactStatements'] : p['Statements'];
  if (!Array.isArray(list) || list.length === 0) {
    throw new GatewayError('ValidationException', `${op} names no statements.`);
  }
  const byAction = new Map<string, string[]>();
  list.forEach((item, i) => {
    const r = partiQl(s, record(item)?.['Statement'], `statement ${i + 1} of ${op}`);
    byAction.set(r.action, [...(byAction.get(r.action) ?? []), ...r.resources]);
  });
  return [...byAction].map(([action, resources]) => need(action, ...new Set(resources)));
}
