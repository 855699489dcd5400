// Mutations of form and JSON bodies (request-mutations.ts says what each expectation means).
import { escapeOne, type Generator, header, pick, type RawRequest } from './mutation-kit';

function isForm(r: RawRequest): boolean {
  return /application\/x-www-form-urlencoded/i.test(header(r, 'content-type') ?? '');
}

function formPairs(r: RawRequest): string[] {
  return (r.body?.toString('utf8') ?? '').split('&').filter((p) => p !== '');
}

const formBody = (r: RawRequest, pairs: readonly string[]): RawRequest => ({
  ...r,
  body: Buffer.from(pairs.join('&')),
});

export const formEscape: Generator = (r, c) => {
  if (!isForm(r)) return undefined;
  const pairs = formPairs(r);
  const i = pick(
    c.rng,
    pairs.map((_, n) => n),
  );
  if (i === undefined) return undefined;
  const changed = escapeOne(pairs[i]!, c.rng);
  if (changed === undefined) return undefined;
  const next = [...pairs];
  next[i] = changed;
  return { kind: 'form-escape', request: formBody(r, next), expect: 'exact' };
};

export const formDuplicate: Generator = (r, c) => {
  if (!isForm(r)) return undefined;
  const pairs = formPairs(r);
  const p = pick(c.rng, pairs);
  if (p === undefined) return undefined;
  return {
    kind: 'form-duplicate',
    request: formBody(r, [...pairs, p.startsWith('Action=') ? `Action=${c.otherOperation}` : `${p}x`]),
    expect: 'refuse',
  };
};

export const actionCase: Generator = (r, c) => {
  if (!isForm(r)) return undefined;
  const pairs = formPairs(r);
  const i = pairs.findIndex((p) => p.startsWith('Action='));
  if (i < 0) return undefined;
  const next = [...pairs];
  const lowerKey = c.rng() < 0.5;
  next[i] = lowerKey ? `action=${pairs[i]!.slice(7)}` : pairs[i]!.toLowerCase();
  return {
    kind: lowerKey ? 'action-key-case' : 'action-value-case',
    request: formBody(r, next),
    expect: 'same-or-refuse',
  };
};

export const actionInQuery: Generator = (r, c) => {
  if (!isForm(r) || !formPairs(r).some((p) => p.startsWith('Action='))) return undefined;
  const sep = r.rawUrl.includes('?') ? '&' : '?';
  return {
    kind: 'action-in-query',
    request: { ...r, rawUrl: `${r.rawUrl}${sep}Action=${c.otherOperation}` },
    expect: 'refuse',
  };
};

function jsonObject(r: RawRequest): Record<string, unknown> | undefined {
  if (!r.body || isForm(r)) return undefined;
  try {
    const v: unknown = JSON.parse(r.body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const jsonDuplicateTop: Generator = (r) => {
  const o = jsonObject(r);
  const k = o ? Object.keys(o)[0] : undefined;
  if (k === undefined || !r.body) return undefined;
  // First in the text: JSON.parse keeps the original (last) value, a first-wins parser the new one.
  const text = r.body.toString('utf8').replace(/^\s*\{/, `{${JSON.stringify(k)}:"airlock-other",`);
  return { kind: 'json-duplicate-top', request: { ...r, body: Buffer.from(text) }, expect: 'refuse' };
};

const MARK = '__airlock_dup_marker__';

function firstNested(v: unknown): Record<string, unknown> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  for (const child of Object.values(v as Record<string, unknown>)) {
    if (typeof child === 'object' && child !== null && !Array.isArray(child) && Object.keys(child).length > 0)
      return child as Record<string, unknown>;
    const deeper = firstNested(child);
    if (deeper) return deeper;
  }
  return undefined;
}

export const jsonDuplicateNested: Generator = (r) => {
  const o = jsonObject(r);
  const inner = o ? firstNested(o) : undefined;
  const k = inner ? Object.keys(inner)[0] : undefined;
  if (!o || !inner || k === undefined) return undefined;
  inner[MARK] = 1;
  const text = JSON.stringify(o).replace(`"${MARK}":1`, `${JSON.stringify(k)}:"airlock-other"`);
  return { kind: 'json-duplicate-nested', request: { ...r, body: Buffer.from(text) }, expect: 'refuse' };
};

export const jsonEscapeKey: Generator = (r) => {
  const o = jsonObject(r);
  const k = o ? Object.keys(o).find((key) => /^[A-Za-z]/.test(key)) : undefined;
  if (k === undefined || !r.body) return undefined;
  const escaped = `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}":`;
  const text = r.body.toString('utf8').replace(`${JSON.stringify(k)}:`, escaped);
  return { kind: 'json-escape-key', request: { ...r, body: Buffer.from(text) }, expect: 'exact' };
};

export const jsonWhitespace: Generator = (r) => {
  const o = jsonObject(r);
  if (!o) return undefined;
  return {
    kind: 'json-whitespace',
    request: { ...r, body: Buffer.from(JSON.stringify(o, null, 2)) },
    expect: 'exact',
  };
};
