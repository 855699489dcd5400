/**
 * Splits recorded text around masking placeholders so the detail pane can mark them. The pattern
 * mirrors gateway/masking/placeholder.ts (`«airlock:masked:<service>:<field>:<id>»`).
 */

const PLACEHOLDER = /«airlock:masked:[^»\s]{1,300}»/g;

export interface TextSegment {
  readonly text: string;
  readonly masked: boolean;
}

export function splitMasked(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const at = m.index;
    if (at > last) out.push({ text: text.slice(last, at), masked: false });
    out.push({ text: m[0], masked: true });
    last = at + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last), masked: false });
  return out;
}

export function hasMaskedValue(text: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(text);
}
