/** The by-line layout of generated tables: still one JSON document, read back entry by entry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EntryLinesError, parseEntryLines } from '../../gateway/aws/entry-lines';
import { stringifyEntryLines } from '../../scripts/entry-lines.mjs';

const doc = {
  format: 2,
  note: 'line one\nline two',
  list: [{ id: 'a', ops: ['X', ['Y', 'data-']] }, 'plain', [1, 2]],
  empty: [],
  table: { s3: { ops: { GetObject: ['Bucket', 'Key'] } }, 'we"ird\\key': 1, 'with,comma': 'v,' },
  last: { nested: { deep: [true, null] } },
};

void test('the layout is one JSON document with each entry on a line of its own', () => {
  const text = stringifyEntryLines(doc, ['list', 'empty', 'table']);
  assert.deepEqual(JSON.parse(text), doc);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '{');
  assert.equal(lines.at(-1), '}');
  // format, note, list (open, 3 entries, close), empty (open, close), table (open, 3, close), last.
  assert.equal(lines.length, 2 + 2 + 5 + 2 + 5 + 1);
});

void test('entries read back as text that parses to each entry, in order, keys unescaped', () => {
  const file = parseEntryLines(stringifyEntryLines(doc, ['list', 'empty', 'table']));
  assert.deepEqual([...file.values.keys()], ['format', 'note', 'last']);
  assert.equal(file.values.get('note'), doc.note);
  assert.deepEqual(file.values.get('last'), doc.last);
  assert.deepEqual(
    file.lists.get('list')?.map((t) => JSON.parse(t) as unknown),
    doc.list,
  );
  assert.deepEqual(file.lists.get('empty'), []);
  const table = file.objects.get('table');
  assert.deepEqual([...(table?.keys() ?? [])], Object.keys(doc.table));
  for (const [k, v] of Object.entries(doc.table)) assert.deepEqual(JSON.parse(table!.get(k)!), v);
});

void test('a file not laid out by line, or cut short, is refused', () => {
  const text = stringifyEntryLines(doc, ['list', 'table']);
  const bad = [
    JSON.stringify(doc),
    text.slice(0, text.indexOf('"table"')),
    text.replace('\n]', '\n'),
    text.replace('"format":2,', 'format:2,'),
    text.replace('"note":', '"note" :'),
    text.replace('"format":2,', '"format":2x,'),
  ];
  for (const t of bad) assert.throws(() => parseEntryLines(t), EntryLinesError, t.slice(0, 80));
});
