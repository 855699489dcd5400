/**
 * The body of an S3 DeleteObjects call, read strictly: the gateway decides the call per key on
 * what this returns, so it reads only what S3's schema allows and refuses any document another
 * XML reader could see different keys in.
 *
 *   <?xml …?> <Delete xmlns="…"> (<Object> <Key>k</Key> [<VersionId>v</VersionId>]
 *   [<ETag>…</ETag>] [<LastModifiedTime>…</LastModifiedTime>] [<Size>…</Size>] </Object>)+
 *   [<Quiet>…</Quiet>] </Delete>
 *
 * Accepted: UTF-8, an XML declaration (UTF-8 only), whitespace between elements, namespace
 * prefixes and `xmlns` declarations (elements match by local name, so no Key any reader could take
 * is missed), the five predefined entities and character references, and a value given as one
 * CDATA section. Refused: anything else (DTDs and their entities, comments, processing
 * instructions, unknown elements or attributes, a repeated Key or VersionId, text mixed with
 * CDATA, a literal CR (XML readers normalise it, S3 might not), keys or version ids that are
 * empty or start or end with whitespace (a reader that trims would delete another object), no
 * objects, or more than S3's 1000).
 */

export interface DeleteObjectsEntry {
  readonly key: string;
  readonly versionId?: string;
}

export type DeleteObjectsBody =
  | { readonly ok: true; readonly objects: readonly DeleteObjectsEntry[]; readonly quiet?: string }
  | { readonly ok: false; readonly reason: string };

/** S3 refuses a DeleteObjects naming more objects than this (MalformedXML). */
export const MAX_DELETE_OBJECTS = 1000;

const NAME = /^(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*/;
const XML_SPACE = /^[ \t\r\n]*$/;
const ATTRIBUTE = /^[ \t\r\n]+([A-Za-z_][\w.:-]*)[ \t\r\n]*=[ \t\r\n]*("[^"<]*"|'[^'<]*')/;
const DECLARATION = /^<\?xml[ \t\r\n][^?]*\?>/;
const DECLARED_ENCODING = /\bencoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']/;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/y;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const OBJECT_LEAVES = new Set(['Key', 'VersionId', 'ETag', 'LastModifiedTime', 'Size']);
const TRIMMABLE = /^[ \t\r\n]|[ \t\r\n]$/;

class Malformed extends Error {}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

interface Element {
  readonly local: string;
  /** Leaf text (entities resolved), when the element has no child elements. */
  readonly text?: string;
  readonly children: readonly Element[];
}

/** A recursive-descent reader over one document; depth is bounded by the schema (3). */
class Reader {
  private i = 0;

  constructor(private readonly s: string) {}

  document(): Element {
    if (this.s.startsWith('\ufeff')) throw new Malformed('a byte-order mark');
    const decl = DECLARATION.exec(this.s);
    if (decl) {
      const encoding = DECLARED_ENCODING.exec(decl[0])?.[1];
      if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8')
        throw new Malformed(`encoding ${encoding} (UTF-8 only)`);
      this.i = decl[0].length;
    }
    this.space();
    const root = this.element(0, new Set(['xml']));
    this.space();
    if (this.i !== this.s.length) throw new Malformed(`content after the root element at offset ${this.i}`);
    return root;
  }

  /** Whitespace between markup; CR is harmless here (it never reaches a value). */
  private space(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i] ?? '@')) this.i++;
  }

  /** `prefixes`: namespace prefixes declared on the ancestors (a conformant reader refuses others). */
  private element(depth: number, prefixes: ReadonlySet<string>): Element {
    if (this.s[this.i] !== '<') throw new Malformed(`expected an element at offset ${this.i}`);
    const next = this.s[this.i + 1];
    if (next === '!' || next === '?') {
      throw new Malformed(`a comment, DTD, CDATA or processing instruction at offset ${this.i}`);
    }
    if (depth > 2) throw new Malformed(`an element nested deeper than the schema at offset ${this.i}`);
    const name = NAME.exec(this.s.slice(this.i + 1, this.i + 300))?.[0];
    if (name === undefined) throw new Malformed(`an element with no valid name at offset ${this.i}`);
    const local = localName(name);
    this.i += 1 + name.length;
    const inScope = this.attributes(prefixes);
    const colon = name.indexOf(':');
    if (colon >= 0 && !inScope.has(name.slice(0, colon))) {
      throw new Malformed(`an undeclared namespace prefix in <${name}>`);
    }
    if (this.s.startsWith('/>', this.i)) {
      this.i += 2;
      return { local, text: '', children: [] };
    }
    if (this.s[this.i] !== '>') throw new Malformed(`a malformed start tag <${name}> at offset ${this.i}`);
    this.i++;
    const children: Element[] = [];
    const texts: Array<{ readonly raw: string; readonly at: number }> = [];
    let cdata: string | undefined;
    while (!this.s.startsWith('</', this.i)) {
      if (this.s.startsWith('<![CDATA[', this.i)) {
        if (cdata !== undefined) throw new Malformed(`a second CDATA section in <${name}>`);
        cdata = this.cdata();
      } else if (this.s[this.i] === '<') {
        children.push(this.element(depth + 1, inScope));
      } else {
        const lt = this.s.indexOf('<', this.i);
        if (lt < 0) throw new Malformed('the document ends inside an element');
        texts.push({ raw: this.s.slice(this.i, lt), at: this.i });
        this.i = lt;
      }
    }
    const close = `</${name}`;
    if (!this.s.startsWith(close, this.i)) throw new Malformed(`an end tag that does not match <${name}>`);
    this.i += close.length;
    this.space();
    if (this.s[this.i] !== '>') throw new Malformed(`a malformed end tag </${name}>`);
    this.i++;
    if (children.length > 0) {
      if (cdata !== undefined || texts.some((t) => !XML_SPACE.test(t.raw)))
        throw new Malformed(`text mixed with elements in <${name}>`);
      return { local, children };
    }
    if (cdata !== undefined) {
      if (texts.length > 0) throw new Malformed(`text mixed with CDATA in <${name}>`);
      return { local, text: cdata, children };
    }
    // No children and no CDATA: at most one text run.
    const only = texts[0];
    return { local, text: only === undefined ? '' : this.resolve(only.raw, only.at), children };
  }

  /**
   * Only namespace declarations: S3's schema has no attributes, and unknown ones are refused.
   * Returns the prefixes in scope for the element and its children.
   */
  private attributes(prefixes: ReadonlySet<string>): ReadonlySet<string> {
    const seen = new Set<string>();
    let inScope = prefixes;
    for (;;) {
      const m = ATTRIBUTE.exec(this.s.slice(this.i, this.i + 4096));
      if (!m?.[1]) break;
      const attr = m[1];
      if (attr !== 'xmlns' && !attr.startsWith('xmlns:')) throw new Malformed(`an attribute ${attr}`);
      if (seen.has(attr)) throw new Malformed(`a repeated attribute ${attr}`);
      seen.add(attr);
      if (attr.startsWith('xmlns:')) {
        const prefix = attr.slice(6);
        if ((m[2] ?? '').length <= 2 || prefix === '' || prefix.includes(':') || prefix.startsWith('xml'))
          throw new Malformed(`a namespace declaration ${attr} that XML does not allow`);
        inScope = new Set([...inScope, prefix]);
      }
      this.i += m[0].length;
    }
    this.space();
    return inScope;
  }

  /** One CDATA section, which must be the whole value. */
  private cdata(): string {
    const end = this.s.indexOf(']]>', this.i);
    if (end < 0) throw new Malformed('an unterminated CDATA section');
    const value = this.s.slice(this.i + 9, end);
    this.checkChars(value, this.i);
    if (value.includes('\r')) throw new Malformed(`a literal carriage return in CDATA at offset ${this.i}`);
    this.i = end + 3;
    return value;
  }

  private resolve(raw: string, at: number): string {
    if (raw.includes(']]>')) throw new Malformed(`]]> in text at offset ${at}`);
    let out = '';
    let from = 0;
    for (;;) {
      const amp = raw.indexOf('&', from);
      const literal = raw.slice(from, amp < 0 ? raw.length : amp);
      this.checkChars(literal, at + from);
      if (literal.includes('\r')) throw new Malformed(`a literal carriage return at offset ${at + from}`);
      out += literal;
      if (amp < 0) return out;
      ENTITY.lastIndex = amp;
      const m = ENTITY.exec(raw);
      if (!m) throw new Malformed(`an undefined or malformed entity at offset ${at + amp}`);
      if (m[1] !== undefined) out += NAMED[m[1]] ?? '';
      else {
        const cp = m[2] !== undefined ? parseInt(m[2], 10) : parseInt(m[3] ?? '', 16);
        if (!isXmlChar(cp))
          throw new Malformed(`a reference to a character XML does not allow at offset ${at + amp}`);
        out += String.fromCodePoint(cp);
      }
      from = amp + m[0].length;
    }
  }

  private checkChars(s: string, at: number): void {
    for (const ch of s) {
      if (!isXmlChar(ch.codePointAt(0) ?? 0))
        throw new Malformed(`a character XML does not allow near offset ${at}`);
    }
  }
}

function leaf(e: Element, where: string): string {
  if (e.children.length > 0) throw new Malformed(`<${e.local}> in ${where} holds elements`);
  return e.text ?? '';
}

function entry(o: Element): DeleteObjectsEntry {
  if (o.local !== 'Object') throw new Malformed(`an element <${o.local}> in <Delete>`);
  let key: string | undefined;
  let versionId: string | undefined;
  const seen = new Set<string>();
  for (const c of o.children) {
    if (!OBJECT_LEAVES.has(c.local)) throw new Malformed(`an element <${c.local}> in <Object>`);
    if (seen.has(c.local)) throw new Malformed(`an <Object> with more than one <${c.local}>`);
    seen.add(c.local);
    const value = leaf(c, '<Object>');
    if (c.local === 'Key') key = value;
    if (c.local === 'VersionId') versionId = value;
  }
  if (key === undefined || key === '') throw new Malformed('an <Object> without a <Key>');
  if (TRIMMABLE.test(key)) throw new Malformed('a <Key> that starts or ends with whitespace');
  if (versionId === undefined) return { key };
  if (versionId === '' || TRIMMABLE.test(versionId))
    throw new Malformed('a <VersionId> that is empty or starts or ends with whitespace');
  return { key, versionId };
}

function read(body: Buffer): { objects: DeleteObjectsEntry[]; quiet?: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new Malformed('bytes that are not UTF-8');
  }
  const root = new Reader(text).document();
  if (root.local !== 'Delete') throw new Malformed(`a root element <${root.local}>, not <Delete>`);
  const objects: DeleteObjectsEntry[] = [];
  let quiet: string | undefined;
  for (const c of root.children) {
    if (c.local === 'Quiet') {
      if (quiet !== undefined) throw new Malformed('more than one <Quiet>');
      quiet = leaf(c, '<Delete>');
    } else {
      objects.push(entry(c));
      if (objects.length > MAX_DELETE_OBJECTS) throw new Malformed(`more than ${MAX_DELETE_OBJECTS} objects`);
    }
  }
  if (objects.length === 0) throw new Malformed('no <Object>');
  return quiet === undefined ? { objects } : { objects, quiet };
}

/** The objects a DeleteObjects body names, or why it cannot be read with certainty. Never throws. */
export function parseDeleteObjects(body: Buffer): DeleteObjectsBody {
  try {
    return { ok: true, ...read(body) };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, reason: e.message };
    throw e;
  }
}
