import { ScanError, scanJson } from './json-scan';
import { MaskedFieldList } from './masked-fields';
import { maskValue, type ValueContext } from './mask-value';
import { PathMatcher } from './path-match';
import type { MaskPlan } from './plan';
import type { Placeholders } from './placeholder';
import { hasAccessKeyId } from './shapes';
import type { FoundValue, MaskedField } from './types';
import { scanXml, xmlEscape } from './xml-scan';

export type BodyFormat = 'json' | 'xml' | 'text';

export interface BodyMaskResult {
  /** What the body was read as; `text` when it did not parse as its content type said. */
  readonly readAs: BodyFormat;
  /** The body for the recording: every match masked. */
  readonly record: string;
  /** The body for the agent: matches masked unless their rule is recording-only. */
  readonly agent: string;
  readonly agentChanged: boolean;
  readonly masked: readonly MaskedField[];
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly record: string;
  readonly agent: string | undefined;
}

function splice(text: string, edits: readonly Edit[], pick: (e: Edit) => string | undefined): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    const rep = pick(e);
    if (rep === undefined) continue;
    out += text.slice(at, e.start) + rep;
    at = e.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * Masks a JSON or XML body per the plan. Only the string tokens that hold secrets are rewritten;
 * every other byte stays as received. A body that does not parse is masked as plain text (rule
 * patterns and secret shapes only) and reported as `readAs: 'text'`, so the caller can refuse it
 * when the plan is strict.
 */
export function maskBody(
  text: string,
  format: BodyFormat,
  plan: MaskPlan,
  placeholders: Placeholders,
): BodyMaskResult {
  let found: FoundValue[];
  let readAs: BodyFormat = format;
  const paths = new PathMatcher(
    plan.fields.map((f) => f.spec),
    format === 'json',
  );
  const whole: FoundValue[] = [
    { value: text, node: paths.root, start: 0, end: text.length, siblings: undefined },
  ];
  try {
    found = format === 'json' ? scanJson(text, paths) : format === 'xml' ? scanXml(text, paths) : whole;
  } catch (e) {
    if (!(e instanceof ScanError)) throw e;
    readAs = 'text';
    found = whole;
  }
  const ctx: ValueContext = { plan, placeholders, keyIdInBody: hasAccessKeyId(text) };
  const encode =
    readAs === 'text' ? (s: string) => s : format === 'json' ? (s: string) => JSON.stringify(s) : xmlEscape;
  const edits: Edit[] = [];
  const masked = new MaskedFieldList(plan.direction);
  for (const f of found) {
    const o = maskValue(f, ctx);
    if (!o) continue;
    masked.add(o.hits);
    edits.push({
      start: f.start,
      end: f.end,
      record: encode(o.record),
      agent: o.agent === f.value ? undefined : encode(o.agent),
    });
  }
  if (edits.length === 0) return { readAs, record: text, agent: text, agentChanged: false, masked: [] };
  const agentEdits = edits.filter((e) => e.agent !== undefined);
  return {
    readAs,
    record: splice(text, edits, (e) => e.record),
    agent: agentEdits.length > 0 ? splice(text, agentEdits, (e) => e.agent) : text,
    agentChanged: agentEdits.length > 0,
    masked: masked.list(),
  };
}
