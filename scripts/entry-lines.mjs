// Writes a generated table as JSON laid out one entry per line: each top-level key on a line of
// its own, and each entry of the collections named in `collections` on a line of its own. The
// file stays one JSON document any reader can parse; the gateway reads it by lines instead
// (gateway/aws/entry-lines.ts) and keeps each entry as text until it is used, so it never holds
// the whole table decoded. JSON.stringify escapes newlines inside strings, so a line is an entry.
export function stringifyEntryLines(doc, collections) {
  const lines = ['{'];
  const keys = Object.keys(doc);
  keys.forEach((key, i) => {
    const comma = i < keys.length - 1 ? ',' : '';
    const value = doc[key];
    if (!collections.includes(key)) {
      lines.push(`${JSON.stringify(key)}:${JSON.stringify(value)}${comma}`);
      return;
    }
    const list = Array.isArray(value);
    const entries = list
      ? value.map((v) => JSON.stringify(v))
      : Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    lines.push(`${JSON.stringify(key)}:${list ? '[' : '{'}`);
    entries.forEach((e, j) => lines.push(e + (j < entries.length - 1 ? ',' : '')));
    lines.push((list ? ']' : '}') + comma);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}
