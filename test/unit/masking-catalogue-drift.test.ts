import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CATALOGUE } from '../../gateway/masking';
import { catalogueFields } from '../../gateway/masking/catalogue-lookup';
import { PathMatcher, type PathNode } from '../../gateway/masking/path-match';

/**
 * A secret the catalogue masks in one operation must not come out unmasked through a sibling that
 * answers with the same structure (lambda:UpdateFunctionCode answers with the FunctionConfiguration
 * GetFunction does, environment variables included). Read from the AWS model (aws-sdk v2
 * `apis/`): a named shape that holds a catalogued secret field in one operation's answer is a
 * secret-holding shape, and every operation of the service whose answer reaches one must be
 * catalogued with a field at the same place.
 */
interface Shape {
  type?: string;
  shape?: string;
  members?: Record<string, Shape>;
  member?: Shape;
  value?: Shape;
}
interface Model {
  operations: Record<string, { output?: Shape }>;
  shapes: Record<string, Shape>;
}

const dir = join(process.cwd(), 'node_modules', 'aws-sdk', 'apis');
const files = readdirSync(dir);
const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Record<
  string,
  { prefix?: string }
>;

function load(id: string): Model | undefined {
  const prefix = metadata[id]?.prefix ?? id;
  const file = files
    .filter(
      (f) => f.startsWith(`${prefix}-`) && /^\d{4}-\d{2}-\d{2}\.min\.json$/.test(f.slice(prefix.length + 1)),
    )
    .sort()
    .pop();
  return file ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Model) : undefined;
}

/** Visits every member an answer can hold, with the nearest named shape that holds it. */
function walk(
  m: Model,
  out: Shape,
  pm: PathMatcher,
  visit: (holder: string | undefined, node: PathNode) => void,
): void {
  const go = (s0: Shape, node: PathNode, holder: string | undefined, seen: ReadonlySet<string>): void => {
    const id = s0.shape;
    if (id !== undefined && seen.has(id)) return;
    const inner = id !== undefined ? new Set(seen).add(id) : seen;
    const s = id !== undefined ? (m.shapes[id] ?? s0) : s0;
    const at = id ?? holder;
    if (s.members)
      for (const [k, v] of Object.entries(s.members)) {
        const n = pm.child(node, k);
        visit(at, n);
        go(v, n, at, inner);
      }
    else if (s.type === 'list' && s.member) go(s.member, node, holder, inner);
    else if (s.type === 'map' && s.value) {
      const n = pm.child(node, 'any-key');
      visit(at, n);
      go(s.value, n, at, inner);
    }
  };
  go(out, pm.root, undefined, new Set());
}

/** Where `op`'s answer reaches a secret-holding shape at a member no catalogue field of `op` names. */
function uncovered(service: string, m: Model, holders: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const found: string[] = [];
  for (const [op, o] of Object.entries(m.operations)) {
    if (!o.output) continue;
    const pm = new PathMatcher(catalogueFields(service, op).response, true);
    walk(m, o.output, pm, (holder, n) => {
      if (holder === undefined || n.hits.length > 0) return;
      if (holders.get(holder)?.has(n.lower)) found.push(`${service}:${op} ${n.name}`);
    });
  }
  return found;
}

void describe('masking catalogue: sibling operations answering with the same secret', () => {
  void test('every operation that answers with a catalogued secret structure is catalogued', () => {
    const services = new Set(
      CATALOGUE.filter((e) => e.response && e.operations !== '*').map((e) => e.service),
    );
    const gaps: string[] = [];
    let holderCount = 0;
    for (const service of services) {
      const m = load(service);
      assert.ok(m, `no AWS model for ${service}`);
      // Named shape → the members of it that hold a catalogued secret (first node a field names).
      const holders = new Map<string, Set<string>>();
      for (const [op, o] of Object.entries(m.operations)) {
        const specs = catalogueFields(service, op).response;
        if (!o.output || specs.length === 0) continue;
        walk(m, o.output, new PathMatcher(specs, true), (holder, n) => {
          if (holder === undefined || n.hits.length === 0 || n.hits.length === n.parent?.hits.length) return;
          let names = holders.get(holder);
          if (!names) holders.set(holder, (names = new Set()));
          names.add(n.lower);
        });
      }
      holderCount += holders.size;
      gaps.push(...uncovered(service, m, holders));
    }
    assert.ok(holderCount >= 5, `only ${holderCount} secret-holding shapes found: the walk is broken`);
    assert.deepEqual([...new Set(gaps)].sort(), []);
  });
});
