import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// npm 12 skips the install script of any dependency that package.json's `allowScripts` does not
// name (npm 11 runs it and warns), so one added without review would install differently, or
// break, on a newer npm. The lockfile marks every package that has one.
const root = join(__dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(root, file), 'utf8'));

function packagesWithInstallScripts(lock: unknown): string[] {
  const packages = (lock as { packages?: Record<string, { hasInstallScript?: boolean }> }).packages ?? {};
  const names = new Set<string>();
  for (const [path, entry] of Object.entries(packages)) {
    if (entry.hasInstallScript !== true || path === '') continue;
    names.add(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return [...names].sort();
}

void test('every dependency with an install script is reviewed in allowScripts', () => {
  const withScripts = packagesWithInstallScripts(readJson('package-lock.json'));
  const { allowScripts = {} } = readJson('package.json') as { allowScripts?: Record<string, boolean> };
  // The lockfile has some: a check that found none would prove nothing.
  assert.ok(
    withScripts.includes('esbuild'),
    `esbuild's postinstall not found among ${withScripts.join(', ')}`,
  );
  const unreviewed = withScripts.filter((name) => typeof allowScripts[name] !== 'boolean');
  assert.deepEqual(unreviewed, [], 'run `npm install-scripts approve|deny <pkg>` after reading its script');
  const stale = Object.keys(allowScripts).filter((name) => !withScripts.includes(name));
  assert.deepEqual(stale, [], 'allowScripts names packages the lockfile no longer has install scripts for');
});
