import { displayPath, matchDepth } from './field-path';
import type { MaskPlan } from './plan';
import { isPlaceholder, type Placeholders } from './placeholder';
import { maskShapes } from './shapes';
import type { FoundValue, MaskSource } from './types';

export interface ValueHit {
  readonly field: string;
  readonly source: MaskSource;
  readonly recordingOnly: boolean;
}

/** What one string value becomes: in the recording, and in what the agent receives. */
export interface ValueOutcome {
  readonly record: string;
  readonly agent: string;
  readonly hits: readonly ValueHit[];
}

export interface ValueContext {
  readonly plan: MaskPlan;
  readonly placeholders: Placeholders;
  /** The body holds an AWS access key id (arms the secret-key detector). */
  readonly keyIdInBody: boolean;
  /** JSON paths of workspace rules are anchored at the root of JSON bodies only. */
  readonly anchoredPaths: boolean;
}

function fieldName(path: readonly string[]): string {
  return path[path.length - 1] ?? 'value';
}

/** Masks one value: whole when a planned field names it, else the secret shapes inside it. */
export function maskValue(found: FoundValue, ctx: ValueContext): ValueOutcome | undefined {
  const { value, path } = found;
  if (value.length === 0 || isPlaceholder(value)) return undefined;
  const { plan, placeholders } = ctx;
  let fieldHit: { source: MaskSource; agentToo: boolean; base64: boolean } | undefined;
  for (const f of plan.fields) {
    const spec = ctx.anchoredPaths || !f.spec.anchored ? f.spec : { ...f.spec, anchored: false };
    if (matchDepth(spec, path) === 0) continue;
    const when = spec.when;
    if (when && found.siblings?.get(when.sibling.toLowerCase()) !== when.equals) continue;
    const agentToo = !f.recordingOnly;
    if (!fieldHit || (agentToo && !fieldHit.agentToo))
      fieldHit = { source: f.source, agentToo, base64: spec.base64 === true };
  }
  if (fieldHit) {
    const ph = placeholders.make(plan.scope, fieldName(path), value);
    const masked = fieldHit.base64 ? Buffer.from(ph).toString('base64') : ph;
    return {
      record: ph,
      agent: fieldHit.agentToo ? masked : value,
      hits: [{ field: displayPath(path), source: fieldHit.source, recordingOnly: !fieldHit.agentToo }],
    };
  }
  return maskInside(found, ctx);
}

/** Rule patterns and secret shapes, replaced inside the value. */
function maskInside(found: FoundValue, ctx: ValueContext): ValueOutcome | undefined {
  const { plan, placeholders } = ctx;
  const hits: ValueHit[] = [];
  const field = displayPath(found.path) || 'body';
  let record = found.value;
  let agent = found.value;
  for (const p of plan.patterns) {
    p.re.lastIndex = 0;
    if (!p.re.test(record)) continue;
    const id = p.source.slice('rule:'.length);
    const sub = (m: string): string => (m.length === 0 ? m : placeholders.make('rule', id, m));
    p.re.lastIndex = 0;
    record = record.replace(p.re, sub);
    if (!p.recordingOnly) {
      p.re.lastIndex = 0;
      agent = agent.replace(p.re, sub);
    }
    hits.push({ field, source: p.source, recordingOnly: p.recordingOnly });
  }
  const replace = (kind: string, secret: string): string => placeholders.make('shape', kind, secret);
  const shaped = maskShapes(record, ctx.keyIdInBody, replace);
  if (shaped) {
    record = shaped.text;
    if (!plan.shapesRecordingOnly) agent = maskShapes(agent, ctx.keyIdInBody, replace)?.text ?? agent;
    for (const kind of new Set(shaped.kinds))
      hits.push({ field, source: `shape:${kind}`, recordingOnly: plan.shapesRecordingOnly });
  }
  return hits.length > 0 ? { record, agent, hits } : undefined;
}
