import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readPartiqlHead, type PartiqlHead } from '../../gateway/aws/partiql-head';
import { tokenizePartiql } from '../../gateway/aws/partiql-tokens';
import { mulberry32 } from '../support/mulberry32';

function head(statement: string): PartiqlHead {
  const r = readPartiqlHead(statement);
  assert.ok(r.ok, `${JSON.stringify(statement)} should be read, got: ${r.ok ? '' : r.reason}`);
  return r.head;
}

function refused(statement: string, why?: RegExp): void {
  const r = readPartiqlHead(statement);
  assert.ok(!r.ok, `${JSON.stringify(statement)} should be refused, got ${JSON.stringify(r.ok && r.head)}`);
  if (why) assert.match(r.reason, why);
}

void describe('PartiQL tokenizer', () => {
  void test('reads strings, quoted identifiers, words, numbers and punctuation; drops comments', () => {
    const r = tokenizePartiql(`SELECT 'it''s' "a""b" x_1$ 1.5e3 .5 7e -- c\n/* d */ ;`);
    assert.ok(r.ok);
    assert.deepEqual(
      r.tokens.map((t) => [t.kind, t.text, t.offset]),
      [
        ['word', 'SELECT', 0],
        ['string', "it's", 7],
        ['quoted', 'a"b', 15],
        ['word', 'x_1$', 22],
        ['number', '1.5e3', 27],
        ['number', '.5', 33],
        ['number', '7', 36],
        ['word', 'e', 37],
        ['punct', ';', 52],
      ],
    );
  });

  void test('a quote inside the other kind of quote is just a character', () => {
    const r = tokenizePartiql(`'say "FROM x"' "it's"`);
    assert.ok(r.ok);
    assert.deepEqual(
      r.tokens.map((t) => t.text),
      ['say "FROM x"', "it's"],
    );
  });

  void test('refuses what lexers could read differently, with an offset', () => {
    const cases: Array<[string, RegExp]> = [
      ['SELECT * FROM "t', /unterminated quoted identifier/],
      ["SELECT 'a", /unterminated string/],
      ['SELECT /* a', /unterminated block comment/],
      ['SELECT /* a /* b */ c */', /opens another one/],
      ['SELECT *--x', /must follow whitespace/],
      ['SELECT */*x*/ FROM t', /must follow whitespace/],
      ['SELECT * -- a\u2028FROM', /line end/],
      ['SELECT * -- a\u0085FROM', /line end/],
      ['SELECT * FROM `t`', /backtick/],
      ['SELECT * FROM t\u00a0WHERE', /U\+00A0/],
      ['SELECT * FROM t\fWHERE', /U\+000C/],
      ['\u017fELECT * FROM t', /U\+017F/],
      ['SELECT * FROM t WHERE a = "\u0000" \\', /U\+005C/],
    ];
    for (const [text, why] of cases) {
      const r = tokenizePartiql(text);
      assert.ok(!r.ok, text);
      assert.match(r.reason, why, text);
      assert.ok(r.offset >= 0 && r.offset < text.length, text);
    }
  });

  void test('runs in linear time on adversarial input (4x the input, at most ~4x the time)', () => {
    const families: Array<(n: number) => string> = [
      (n) => `SELECT '${"''".repeat(n / 2)}'`,
      (n) => `SELECT "${'""'.repeat(n / 2)}"`,
      (n) => `SELECT ${' /**/'.repeat(n / 5)}`,
      (n) => `SELECT ${' -- x\n'.repeat(n / 6)}`,
      (n) => `SELECT ${'a,'.repeat(n / 2)}a FROM "tbl"`,
      (n) => `SELECT * FROM "tbl" /* ${'*'.repeat(n)}`,
      (n) => `SELECT * FROM "tbl" WHERE a = '${'/*'.repeat(n / 2)}`,
    ];
    const best = (input: string): number => {
      let min = Infinity;
      for (let k = 0; k < 3; k++) {
        const started = process.hrtime.bigint();
        readPartiqlHead(input);
        min = Math.min(min, Number(process.hrtime.bigint() - started) / 1e6);
      }
      return min;
    };
    for (const make of families) {
      const small = best(make(64_000));
      const large = best(make(256_000));
      // Linear: ~4x. Quadratic would be ~16x.
      assert.ok(large < 8 * small + 20, `${make(10).slice(0, 24)}…: 64 kB ${small} ms, 256 kB ${large} ms`);
    }
  });
});

void describe('PartiQL statement head', () => {
  const T = (table: string, index?: string): Partial<PartiqlHead> =>
    index === undefined ? { table } : { table, index };

  void test('names the table the statement reads, not text that looks like one', () => {
    const cases: Array<[string, string]> = [
      ['SELECT "FROM orders" FROM "secret"', 'secret'],
      ['SELECT * FROM"secret"', 'secret'],
      ['SELECT * FROM "secret"WHERE pk = 1', 'secret'],
      ['SELECT \'it\'\'s FROM "orders"\' FROM "secret"', 'secret'],
      ['SELECT "a""FROM orders" FROM "secret"', 'secret'],
      ['SELECT a, "b".c, d[0], size(e) FROM "secret" WHERE x = \'FROM orders\'', 'secret'],
      ['SeLeCt * fRoM "secret" wHeRe pk = 1', 'secret'],
      ['select * from secret', 'secret'],
      ['/* SELECT * FROM "orders" */ SELECT * FROM "secret"', 'secret'],
      ['-- SELECT * FROM "orders"\nSELECT * FROM "secret"', 'secret'],
      ['SELECT * FROM "secret" -- FROM "orders"', 'secret'],
      ['SELECT * FROM "secret" /* FROM "orders" */ WHERE pk = 1', 'secret'],
      ['SELECT * /* FROM "orders" */ FROM "secret"', 'secret'],
      ['  \r\n\tSELECT\n*\nFROM\n"secret"\n;', 'secret'],
      ['SELECT * FROM "secret" WHERE a = 1.5e3 AND b = .5 ORDER BY "SK" DESC', 'secret'],
      ['SELECT * FROM "Secret.Table-1_x"', 'Secret.Table-1_x'],
    ];
    for (const [statement, table] of cases) {
      assert.deepEqual(head(statement), { action: 'PartiQLSelect', table }, statement);
    }
  });

  void test('every verb maps to its IAM action on its table', () => {
    assert.deepEqual(head('DELETE FROM "secret" WHERE pk = \'FROM orders\' RETURNING ALL OLD *'), {
      action: 'PartiQLDelete',
      ...T('secret'),
    });
    assert.deepEqual(head(`INSERT INTO "secret" VALUE {'a': 'INTO "orders"'}`), {
      action: 'PartiQLInsert',
      ...T('secret'),
    });
    assert.deepEqual(head(`insert into"secret"value{'a':1}`), { action: 'PartiQLInsert', ...T('secret') });
    assert.deepEqual(head(`UPDATE "secret" SET a = 'FROM orders' REMOVE b WHERE pk = 1`), {
      action: 'PartiQLUpdate',
      ...T('secret'),
    });
    assert.deepEqual(head(`UPDATE secret REMOVE b WHERE pk = 1`), {
      action: 'PartiQLUpdate',
      ...T('secret'),
    });
    assert.deepEqual(head('EXISTS(SELECT * FROM "secret" WHERE pk = 1)'), {
      action: 'PartiQLSelect',
      ...T('secret'),
    });
    assert.deepEqual(head('exists ( select * from "secret" where pk = 1 ) ;'), {
      action: 'PartiQLSelect',
      ...T('secret'),
    });
  });

  void test('SELECT from an index names table and index; an ARN table stays an ARN', () => {
    assert.deepEqual(head('SELECT * FROM "orders"."byCustomer" WHERE c = 1'), {
      action: 'PartiQLSelect',
      ...T('orders', 'byCustomer'),
    });
    assert.deepEqual(head('SELECT * FROM "orders" . /* x */ "byCustomer"'), {
      action: 'PartiQLSelect',
      ...T('orders', 'byCustomer'),
    });
    const arn = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
    assert.deepEqual(head(`SELECT * FROM "${arn}"`), { action: 'PartiQLSelect', ...T(arn) });
  });

  void test('refuses statements it cannot read with certainty', () => {
    const cases: Array<[string, RegExp?]> = [
      ['', /empty/],
      ['  -- nothing\n', /empty/],
      ['SELECT * FROM "secret', /unterminated/],
      ['SELECT *', /no FROM/],
      ['SELECT FROM "secret"', /nothing before FROM/],
      ['SELECT * FROM', /ends where a table name/],
      ['SELECT * FROM ?', /expected a table name/],
      ['SELECT * FROM from', /keyword FROM/],
      ['SELECT * FROM WHERE a = 1', /keyword WHERE/],
      ['SELECT * FROM "ab"', /not a valid DynamoDB table name/],
      ['SELECT * FROM "a/b/c"', /not a valid/],
      ['SELECT * FROM "sec""ret"', /not a valid/],
      ['SELECT * FROM "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/x"', /not a valid/],
      ['SELECT * FROM se$cret', /not a valid/],
      ['SELECT * FROM orders.byCustomer', /double-quoted/],
      ['SELECT * FROM "orders".byCustomer', /double-quoted/],
      ['SELECT * FROM "orders"."ix"', /index name/],
      ['INSERT INTO "orders"."idx" VALUE {}', /only SELECT/],
      ['SELECT * FROM "orders"; SELECT * FROM "secret"', /separator/],
      ['SELECT * FROM "orders";;', /separator/],
      ['SELECT * FROM "orders" WHERE pk IN (SELECT pk FROM "secret")', /second SELECT/],
      ['SELECT * FROM "orders" WHERE pk = 1 UNION SELECT * FROM "secret"', /expected WHERE or ORDER|second/],
      ['SELECT * FROM "orders" WHERE EXISTS(SELECT * FROM "secret")', /second EXISTS/],
      ['SELECT * FROM "orders", "secret"', /expected WHERE or ORDER/],
      ['SELECT * FROM "orders" JOIN "secret" ON a = b', /expected WHERE or ORDER/],
      ['SELECT * FROM "orders" AS o', /expected WHERE or ORDER/],
      ['SELECT * FROM "orders" "secret"', /expected WHERE or ORDER/],
      ['SELECT (SELECT * FROM "secret") FROM "orders"', /expected WHERE or ORDER/],
      ['SELECT a WHERE b FROM "orders"', /WHERE at offset 9 comes before FROM/],
      ['SELECT x FROM "orders" WHERE a = (DELETE FROM "secret" WHERE k = 1)', /second DELETE/],
      ['DELETE "secret" WHERE pk = 1', /expected FROM/],
      ['DELETE FROM "secret"', /expected WHERE/],
      ['UPDATE "secret" WHERE pk = 1', /expected SET or REMOVE/],
      ['UPDATE "orders" SET a = 1 WHERE k IN (SELECT k FROM "secret")', /second SELECT/],
      ['INSERT "secret" VALUE {}', /expected INTO/],
      ['INSERT INTO "secret" VALUES (\'a\')', /expected VALUE/],
      ['UPSERT INTO "secret" VALUE {}', /does not start with/],
      ['REPLACE INTO "secret" VALUE {}', /does not start with/],
      ['"SELECT" * FROM "secret"', /does not start with/],
      ['EXISTS(SELECT * FROM "secret" WHERE pk = 1) AND 1 = 1', /EXISTS must enclose/],
      ['EXISTS(DELETE FROM "secret" WHERE pk = 1)', /expected SELECT/],
      ['EXISTS()', /EXISTS must enclose/],
      ['SELECT * FROM `secret`', /backtick/],
      ['SELECT * FROM "orders"--x\nWHERE', /whitespace/],
    ];
    for (const [statement, why] of cases) refused(statement, why);
  });
});

void test('generated statements: decided on their real table or refused, never on a decoy', () => {
  const r = mulberry32(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  // Decoys put a table-looking name where a regex or a sloppy lexer would find it.
  const decoys = [
    `'FROM "decoy"'`,
    `"FROM decoy"`,
    `'it''s FROM decoy'`,
    `"a""FROM decoy"`,
    `/* FROM "decoy" */`,
    `-- FROM "decoy"\n`,
    `/* x */FROM "decoy"`,
    `/* /* */ FROM "decoy" */`,
    `'--' FROM "decoy"`,
    `"/*" FROM "decoy" "*/"`,
    `\`FROM "decoy"\``,
    `(SELECT * FROM "decoy")`,
    `'\\' FROM "decoy" '`,
    `a.decoy`,
  ];
  const spaces = [' ', '\n', '\t', '\r\n', ' /* c */ ', ' -- c\n', ''];
  const sp = (): string => pick(spaces);
  let decided = 0;
  let refusedCount = 0;
  for (let i = 0; i < 20_000; i++) {
    const decoy = (): string => (r() < 0.6 ? pick(decoys) : `'${pick(['x', 'FROM', '"'])}'`);
    const table = pick(['"secret"', 'secret', '"secret"."byKey"']);
    const shape = Math.floor(r() * 4);
    let statement: string;
    let action: string;
    if (shape === 0) {
      statement = `SELECT${sp()} ${decoy()}${sp()} FROM${sp()}${table}${sp()} WHERE a = ${decoy()}`;
      action = 'PartiQLSelect';
    } else if (shape === 1) {
      statement = `DELETE${sp()} FROM${sp()}${table}${sp()} WHERE k = ${decoy()}`;
      action = 'PartiQLDelete';
    } else if (shape === 2) {
      statement = `UPDATE${sp()} ${table}${sp()} SET a = ${decoy()}${sp()} WHERE k = ${decoy()}`;
      action = 'PartiQLUpdate';
    } else {
      statement = `INSERT INTO ${table}${sp()} VALUE {'a': ${decoy()}}`;
      action = 'PartiQLInsert';
    }
    const read = readPartiqlHead(statement);
    if (!read.ok) {
      refusedCount++;
      continue;
    }
    decided++;
    assert.equal(read.head.table, 'secret', statement);
    assert.equal(read.head.action, action, statement);
    assert.ok(!JSON.stringify(read.head).includes('decoy'), statement);
  }
  assert.ok(decided > 2000 && refusedCount > 2000, `decided ${decided}, refused ${refusedCount}`);
});
