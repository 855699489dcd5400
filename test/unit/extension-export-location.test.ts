import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureIgnoredExportDir, proposedExportPath } from '../../extension/commands/export-location';

void test('an export is proposed in the home folder, never in the workspace root', () => {
  assert.equal(proposedExportPath('/home/ann', '/home/ann/src/app', 't.airlock'), '/home/ann/t.airlock');
  assert.equal(proposedExportPath('/home/ann', undefined, 't.airlock'), '/home/ann/t.airlock');
  assert.equal(proposedExportPath('/home/annex', '/home/ann', 't.airlock'), '/home/annex/t.airlock');
  // A workspace that holds the home folder: under .airlock/exports/, not its root.
  assert.equal(
    proposedExportPath('/home/ann', '/home/ann', 't.airlock'),
    '/home/ann/.airlock/exports/t.airlock',
  );
  assert.equal(proposedExportPath('/home/ann', '/', 't.airlock'), '/.airlock/exports/t.airlock');
});

void test('the in-workspace export folder ignores its bundles in git, and an existing .gitignore is kept', async () => {
  const ws = await mkdtemp(join(tmpdir(), 'airlock-export-'));
  try {
    const path = proposedExportPath(ws, ws, 't.airlock');
    await ensureIgnoredExportDir(path, ws);
    const ignore = await readFile(join(ws, '.airlock', 'exports', '.gitignore'), 'utf8');
    assert.match(ignore, /^\*$/m);
    await ensureIgnoredExportDir(path, ws);
    await ensureIgnoredExportDir(join(ws, 'elsewhere', 't.airlock'), ws);
    assert.equal(await readFile(join(ws, '.airlock', 'exports', '.gitignore'), 'utf8'), ignore);
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
});
