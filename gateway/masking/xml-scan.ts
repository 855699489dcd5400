import { XML_LIST_WRAPPERS } from './field-path';
import { ScanError } from './json-scan';
import type { PathMatcher, PathNode } from './path-match';
import type { FoundValue } from './types';

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function xmlUnescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (_m, e: string) => {
    if (!e.startsWith('#')) return NAMED[e] ?? '';
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    // A reference past Unicode is not XML (and would throw a RangeError, not a ScanError).
    if (!(code <= 0x10ffff)) throw new ScanError(`not XML: character reference &${e.slice(0, 20)};`);
    return String.fromCodePoint(code);
  });
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

interface Open {
  readonly name: string;
  /** The path node in force inside this element. */
  readonly node: PathNode;
  /** Leaf children's text, by lower-cased name: the siblings of this element's children. */
  children: Map<string, string> | undefined;
  /** The text values found directly in this element, which see `children` as their siblings' parent. */
  text: string | undefined;
}

function fail(what: string, at: number): never {
  throw new ScanError(`not XML: ${what} at offset ${at}`);
}

/** End of a start tag's name: the first whitespace, `/` or `>`. */
function nameEnd(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2f || c === 0x3e) break;
    i++;
  }
  return i;
}

/**
 * Finds the text of every element of an AWS XML body (query, ec2 and rest-xml protocols) with
 * its element path and leaf siblings, in one linear pass with no DOM. Namespace prefixes are
 * dropped; `<member>`/`<item>` list wrappers do not count in paths. DTDs are refused (AWS never
 * sends one). Throws ScanError on anything that is not well-formed enough to mask safely.
 */
export function scanXml(text: string, paths: PathMatcher): FoundValue[] {
  const out: FoundValue[] = [];
  const stack: Open[] = [];
  const n = text.length;
  const addText = (value: string, start: number, end: number): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (value.trim() !== '') fail('text outside the root element', start);
      return;
    }
    if (text.charCodeAt(start) !== 0x3c && value.trim() === '') return;
    top.text = (top.text ?? '') + value;
    const parent = stack[stack.length - 2];
    if (parent) parent.children ??= new Map();
    out.push({ value, node: top.node, start, end, siblings: parent?.children });
  };

  let i = 0;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      addText(xmlUnescape(text.slice(i)), i, n);
      break;
    }
    if (lt > i) addText(xmlUnescape(text.slice(i, lt)), i, lt);
    i = lt;
    const next = text.charCodeAt(i + 1);
    if (next === 0x3f /* ? */) {
      const e = text.indexOf('?>', i);
      if (e < 0) fail('unterminated processing instruction', i);
      i = e + 2;
    } else if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        if (e < 0) fail('unterminated comment', i);
        i = e + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i);
        if (e < 0) fail('unterminated CDATA', i);
        addText(text.slice(i + 9, e), i, e + 3);
        i = e + 3;
      } else fail('DTDs are not accepted', i);
    } else if (next === 0x2f /* / */) {
      const e = text.indexOf('>', i);
      if (e < 0) fail('unterminated end tag', i);
      const name = localName(text.slice(i + 2, e).trim());
      const top = stack.pop();
      if (!top || top.name !== name) fail(`mismatched </${name.slice(0, 100)}>`, i);
      const parent = stack[stack.length - 1];
      if (parent && top.children === undefined && top.text !== undefined)
        (parent.children ??= new Map()).set(name.toLowerCase(), top.text);
      i = e + 1;
    } else {
      const e = tagEnd(text, i);
      if (e < 0) fail('unterminated start tag', i);
      const selfClosing = text.charCodeAt(e - 1) === 0x2f;
      const ne = nameEnd(text, i + 1, e);
      if (ne === i + 1) fail('bad start tag', i);
      const name = localName(text.slice(i + 1, ne));
      if (!selfClosing) {
        const wrapper = XML_LIST_WRAPPERS.has(name) && stack.length > 0;
        const outer = stack[stack.length - 1]?.node ?? paths.root;
        const node = wrapper ? outer : paths.child(outer, name);
        stack.push({ name, node, children: undefined, text: undefined });
      }
      i = e + 1;
    }
  }
  if (stack.length > 0) fail('unclosed elements', n);
  return out;
}

function localName(qname: string): string {
  const c = qname.indexOf(':');
  return c < 0 ? qname : qname.slice(c + 1);
}

/** Index of the `>` closing a start tag, skipping quoted attribute values. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i;
  }
  return -1;
}
