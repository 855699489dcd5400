/**
 * An IAM policy document in a call's parameters, read for a person: pretty-printed, with what it
 * grants too broadly named (`s3:*` on `*`, any principal in a trust policy).
 */

export interface PolicyReading {
  /** The document, indented. */
  readonly pretty: string;
  /** What is broad about it, one short phrase each. */
  readonly broad: readonly string[];
}

function decodeMaybe(s: string): string {
  if (!/^%7b/i.test(s)) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function principals(p: unknown): string[] {
  if (p === '*') return ['*'];
  if (p === null || typeof p !== 'object') return [];
  return Object.values(p as Record<string, unknown>).flatMap(list);
}

/** Broad grants of one Allow statement. */
function broadOf(st: Record<string, unknown>): string[] {
  const out: string[] = [];
  const actions = list(st.Action);
  const resources = list(st.Resource);
  const anyResource = resources.includes('*') || st.NotResource !== undefined;
  const on = anyResource ? '*' : resources.join(', ');
  if (st.NotAction !== undefined)
    out.push(`every action except ${list(st.NotAction).join(', ')} on ${on || '*'}`);
  for (const a of actions) {
    if (a === '*' || a === '*:*') out.push(`every action (${a}) on ${on || 'the listed resources'}`);
    else if (/^[a-z0-9-]+:\*$/i.test(a))
      out.push(`${a} (every ${a.split(':')[0]} action) on ${on || 'the listed resources'}`);
    else if (anyResource && /^[a-z0-9-]+:[A-Za-z]*\*/.test(a)) out.push(`${a} on every resource (*)`);
  }
  if (
    actions.length > 0 &&
    !actions.some((a) => a.includes('*')) &&
    anyResource &&
    st.Principal === undefined
  )
    out.push(`${actions.length === 1 ? actions[0] : `${actions.length} actions`} on every resource (*)`);
  for (const p of principals(st.Principal)) {
    if (p === '*') out.push('anyone (Principal *) may use it');
    else if (/^arn:aws[\w-]*:iam::\d{12}:root$/.test(p) || /^\d{12}$/.test(p))
      out.push(`the whole account ${p.replace(/\D/g, '').slice(0, 12)} may use it`);
  }
  return out;
}

/** Reads a policy document given as JSON text (possibly URL-encoded) or an object. */
export function readPolicy(doc: unknown): PolicyReading | undefined {
  let parsed: unknown;
  try {
    parsed = typeof doc === 'string' ? JSON.parse(decodeMaybe(doc)) : doc;
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const statements = (parsed as { Statement?: unknown }).Statement;
  if (statements === undefined) return undefined;
  const broad: string[] = [];
  for (const st of Array.isArray(statements) ? statements : [statements]) {
    if (st === null || typeof st !== 'object') continue;
    const s = st as Record<string, unknown>;
    if (s.Effect === 'Allow') broad.push(...broadOf(s));
  }
  return { pretty: JSON.stringify(parsed, null, 2), broad: [...new Set(broad)] };
}
