/**
 * The head of a DynamoDB PartiQL statement: which IAM action it needs and on which table (or
 * index). DynamoDB's PartiQL subset names exactly one table per statement:
 *
 *   SELECT <projection> FROM <table>[.<index>] [WHERE …] [ORDER BY …]
 *   INSERT INTO <table> VALUE …
 *   UPDATE <table> SET|REMOVE …
 *   DELETE FROM <table> WHERE …
 *   EXISTS(SELECT … FROM <table> …)          (condition checks in ExecuteTransaction)
 *
 * Read from tokens (partiql-tokens.ts), never by pattern over the raw text, so a table name in a
 * string, a quoted identifier or a comment is never mistaken for the statement's table. Anything
 * outside these shapes, or with a second statement keyword anywhere (a subquery, a join, a second
 * statement), is refused: the caller must not decide it on a guess.
 */
import { isKeyword, tokenizePartiql, type PartiqlToken } from './partiql-tokens';

export type PartiqlAction = 'PartiQLSelect' | 'PartiQLInsert' | 'PartiQLUpdate' | 'PartiQLDelete';

export interface PartiqlHead {
  readonly action: PartiqlAction;
  /** Table name as DynamoDB resolves it (case kept), or a table ARN given as a quoted identifier. */
  readonly table: string;
  /** Index name, for `SELECT … FROM "table"."index"`. */
  readonly index?: string;
}

export type PartiqlHeadResult =
  { readonly ok: true; readonly head: PartiqlHead } | { readonly ok: false; readonly reason: string };

/** DynamoDB table and index names: 3–255 of `[A-Za-z0-9_.-]`. */
const NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/;

/** Words that open a statement, a table reference or a set operation: one statement has one each. */
const STATEMENT_WORDS = new Set([
  'SELECT',
  'FROM',
  'INSERT',
  'INTO',
  'UPDATE',
  'DELETE',
  'EXISTS',
  'UPSERT',
  'REPLACE',
  'JOIN',
  'UNION',
  'INTERSECT',
  'EXCEPT',
]);
/** Words that may follow a table reference; never a table name themselves when unquoted. */
const CLAUSE_WORDS = new Set(['WHERE', 'ORDER', 'VALUE', 'SET', 'REMOVE', 'RETURNING', 'AS', 'AT', 'BY']);
/** Clause keywords that cannot appear in a projection. */
const PROJECTION_STOPS = new Set(['WHERE', 'ORDER', 'VALUE', 'SET', 'REMOVE', 'RETURNING', 'BY']);
const NOT_A_TABLE = new Set([...STATEMENT_WORDS, ...CLAUSE_WORDS]);
const FROM: ReadonlySet<string> = new Set(['FROM']);

class Unreadable extends Error {}

interface TableRef {
  readonly table: string;
  readonly index?: string;
  /** Token positions the reference occupies. */
  readonly used: readonly number[];
  /** Position of the first token after it. */
  readonly next: number;
}

function tableName(token: PartiqlToken | undefined): string {
  if (token === undefined) throw new Unreadable('the statement ends where a table name should be');
  if (token.kind === 'quoted') {
    if (NAME.test(token.text) || TABLE_ARN.test(token.text)) return token.text;
    throw new Unreadable(
      'the quoted table name is not a valid DynamoDB table name: 3-255 of A-Z a-z 0-9 _ . -',
    );
  }
  if (token.kind === 'word') {
    if (isKeyword(token, NOT_A_TABLE))
      throw new Unreadable(`expected a table name, found the keyword ${token.text.toUpperCase()}`);
    if (NAME.test(token.text)) return token.text;
    throw new Unreadable('the table name is not a valid DynamoDB table name');
  }
  throw new Unreadable(`expected a table name at offset ${token.offset}`);
}

/** `<table>` or `"table"."index"` at `i`; indexes only where the statement may read one. */
function tableRef(tokens: readonly PartiqlToken[], i: number, indexAllowed: boolean): TableRef {
  const table = tableName(tokens[i]);
  const dot = tokens[i + 1];
  if (dot?.kind !== 'punct' || dot.text !== '.') return { table, used: [i], next: i + 1 };
  if (!indexAllowed) throw new Unreadable('only SELECT may name an index ("table"."index")');
  const index = tokens[i + 2];
  // DynamoDB requires both parts quoted here; unquoted `a.b` could also be read as the table "a.b".
  if (tokens[i]?.kind !== 'quoted' || index?.kind !== 'quoted') {
    throw new Unreadable('an index must be written with both names double-quoted: "table"."index"');
  }
  if (!NAME.test(index.text)) throw new Unreadable('the index name is not a valid DynamoDB index name');
  return { table, index: index.text, used: [i, i + 1, i + 2], next: i + 3 };
}

function expectWord(tokens: readonly PartiqlToken[], i: number, ...words: string[]): void {
  if (!isKeyword(tokens[i], new Set(words))) {
    const found = tokens[i];
    throw new Unreadable(
      `expected ${words.join(' or ')} ${found ? `at offset ${found.offset}` : 'before the end of the statement'}`,
    );
  }
}

interface Parsed {
  readonly head: PartiqlHead;
  readonly used: readonly number[];
}

function select(tokens: readonly PartiqlToken[], from: number, to: number): Parsed {
  let f = from + 1;
  for (; f < to; f++) {
    const t = tokens[f];
    if (isKeyword(t, FROM)) break;
    // A clause keyword before FROM means the FROM found later is not this SELECT's.
    if (t !== undefined && isKeyword(t, PROJECTION_STOPS))
      throw new Unreadable(`${t.text.toUpperCase()} at offset ${t.offset} comes before FROM`);
  }
  if (f === from + 1) throw new Unreadable('SELECT names nothing before FROM');
  if (f >= to) throw new Unreadable('SELECT has no FROM');
  const ref = tableRef(tokens.slice(0, to), f + 1, true);
  if (ref.next < to) expectWord(tokens, ref.next, 'WHERE', 'ORDER');
  const head: PartiqlHead = {
    action: 'PartiQLSelect',
    table: ref.table,
    ...(ref.index !== undefined ? { index: ref.index } : {}),
  };
  return { head, used: [from, f, ...ref.used] };
}

function parse(tokens: readonly PartiqlToken[]): Parsed {
  const end = tokens.length;
  const first = tokens[0];
  if (first === undefined) throw new Unreadable('the statement is empty');
  switch (first.kind === 'word' ? first.text.toUpperCase() : '') {
    case 'SELECT':
      return select(tokens, 0, end);
    case 'INSERT': {
      expectWord(tokens, 1, 'INTO');
      const ref = tableRef(tokens, 2, false);
      expectWord(tokens, ref.next, 'VALUE');
      return { head: { action: 'PartiQLInsert', table: ref.table }, used: [0, 1, ...ref.used] };
    }
    case 'UPDATE': {
      const ref = tableRef(tokens, 1, false);
      expectWord(tokens, ref.next, 'SET', 'REMOVE');
      return { head: { action: 'PartiQLUpdate', table: ref.table }, used: [0, ...ref.used] };
    }
    case 'DELETE': {
      expectWord(tokens, 1, 'FROM');
      const ref = tableRef(tokens, 2, false);
      expectWord(tokens, ref.next, 'WHERE');
      return { head: { action: 'PartiQLDelete', table: ref.table }, used: [0, 1, ...ref.used] };
    }
    case 'EXISTS': {
      const open = tokens[1];
      const close = tokens[end - 1];
      if (
        open?.text !== '(' ||
        open.kind !== 'punct' ||
        close?.text !== ')' ||
        close.kind !== 'punct' ||
        end < 4
      )
        throw new Unreadable('EXISTS must enclose the whole statement: EXISTS(SELECT … FROM "table" …)');
      expectWord(tokens, 2, 'SELECT');
      const inner = select(tokens, 2, end - 1);
      return { head: inner.head, used: [0, ...inner.used] };
    }
  }
  throw new Unreadable('the statement does not start with SELECT, INSERT, UPDATE, DELETE or EXISTS');
}

/**
 * The action and table of one PartiQL statement, or why the gateway cannot tell them for certain.
 * Never throws on input.
 */
export function readPartiqlHead(statement: string): PartiqlHeadResult {
  const lexed = tokenizePartiql(statement);
  if (!lexed.ok) return { ok: false, reason: `${lexed.reason} at offset ${lexed.offset}` };
  let tokens = lexed.tokens;
  const last = tokens[tokens.length - 1];
  if (last?.kind === 'punct' && last.text === ';') tokens = tokens.slice(0, -1);
  try {
    const semi = tokens.find((t) => t.kind === 'punct' && t.text === ';');
    if (semi) throw new Unreadable(`a statement separator (;) at offset ${semi.offset}: one statement only`);
    const parsed = parse(tokens);
    const used = new Set(parsed.used);
    tokens.forEach((t, i) => {
      if (!used.has(i) && isKeyword(t, STATEMENT_WORDS)) {
        throw new Unreadable(
          `a second ${t.text.toUpperCase()} at offset ${t.offset}: subqueries, joins and second statements name more tables than one`,
        );
      }
    });
    return { ok: true, head: parsed.head };
  } catch (e) {
    if (e instanceof Unreadable) return { ok: false, reason: e.message };
    throw e;
  }
}
