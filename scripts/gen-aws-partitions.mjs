#!/usr/bin/env node
// Build step: the AWS partitions and their regions (gateway/aws/partitions.generated.json), from
// the SDK v3 endpoint partition data installed with @aws-sdk/core. The aws-sdk v2 data the model
// comes from (scripts/gen-aws-model.mjs) has endpoint patterns with wildcards but no region list;
// the gateway needs one to name every regional host in the stand-in's certificate
// (gateway/proxy/standin-leaf.ts). Output is deterministic: same node_modules in, same bytes out.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = process.argv[2] ?? join(root, 'gateway', 'aws', 'partitions.generated.json');
const core = join(root, 'node_modules', '@aws-sdk', 'core');
// An ES module holding one object literal in JSON syntax (the package does not export the file).
const source = join(core, 'dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js');
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

const text = readFileSync(source, 'utf8');
const literal = /^export const partitionsInfo = ([\s\S]*);\s*$/.exec(text);
if (!literal) throw new Error(`gen-aws-partitions: ${source} is not the expected partitionsInfo module`);
const info = JSON.parse(literal[1]);
const partitions = info.partitions.map((p) => ({
  id: p.id,
  dnsSuffix: p.outputs.dnsSuffix,
  dualStackDnsSuffix: p.outputs.dualStackDnsSuffix,
  // `aws-global` and the like are endpoint aliases, not regions.
  regions: Object.keys(p.regions)
    .filter((r) => REGION.test(r))
    .sort(),
}));
const out = {
  source: `@aws-sdk/core ${JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')).version}`,
  partitions,
};
writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
const regions = partitions.reduce((n, p) => n + p.regions.length, 0);
process.stdout.write(`gen-aws-partitions: ${partitions.length} partitions, ${regions} regions\n`);
