/**
 * Pretty-printing of recorded bodies for the detail pane: JSON (REST-JSON and JSON-RPC services),
 * XML (query, EC2 and REST-XML responses) and form encoding (query-protocol requests). Text that
 * does not parse is shown as it is, never dropped.
 */

export type BodyFormat = 'json' | 'xml' | 'form' | 'text';

export function detectFormat(text: string, contentType?: string): BodyFormat {
  const ct = (contentType ?? '').toLowerCase();
  const head = text.trimStart();
  if (ct.includes('json') || head.startsWith('{') || head.startsWith('[')) return 'json';
  if (ct.includes('xml') || head.startsWith('<')) return 'xml';
  if (ct.includes('x-www-form-urlencoded') || /^[\w.%-]+=[^\s]*(&[\w.%-]+=[^\s]*)*$/.test(head))
    return 'form';
  return 'text';
}

export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const XML_TOKEN = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<![^>]*>|<\/?[^>]+>|[^<]+/g;

/** Indents XML by nesting; elements holding only text stay on one line. */
export function prettyXml(text: string, indent = '  '): string {
  const tokens = text.match(XML_TOKEN);
  if (!tokens) return text;
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.startsWith('<')) {
      const trimmed = t.trim();
      if (trimmed) lines.push(indent.repeat(depth) + trimmed);
      continue;
    }
    if (t.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      lines.push(indent.repeat(depth) + t);
      continue;
    }
    const isOpen = !t.startsWith('<?') && !t.startsWith('<!') && !t.endsWith('/>');
    const text = tokens[i + 1];
    const close = tokens[i + 2];
    // <Name>value</Name> on one line.
    if (isOpen && text !== undefined && !text.startsWith('<') && close?.startsWith('</')) {
      lines.push(indent.repeat(depth) + t + text.trim() + close);
      i += 2;
      continue;
    }
    lines.push(indent.repeat(depth) + t);
    if (isOpen) depth++;
  }
  return lines.join('\n');
}

function decodeForm(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** One `name = value` per line, decoded. */
export function prettyForm(text: string): string {
  return text
    .trim()
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0
        ? decodeForm(pair)
        : `${decodeForm(pair.slice(0, eq))} = ${decodeForm(pair.slice(eq + 1))}`;
    })
    .join('\n');
}

export function prettyBody(text: string, contentType?: string): { format: BodyFormat; text: string } {
  const format = detectFormat(text, contentType);
  switch (format) {
    case 'json':
      return { format, text: prettyJson(text) };
    case 'xml':
      return { format, text: prettyXml(text) };
    case 'form':
      return { format, text: prettyForm(text) };
    default:
      return { format, text };
  }
}
