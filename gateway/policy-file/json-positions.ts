/**
 * A strict JSON parser (RFC 8259) that remembers where every value and property name starts, so
 * a policy error can name its line and column. JSON.parse cannot: it reports syntax errors by
 * offset in engine-specific wording and forgets positions once it succeeds. Duplicate property
 * names are refused: in a security policy, "the last one wins" silently discards a rule.
 */

/** 1-based line and column (column in UTF-16 units, as editors count). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export type PathSegment = string | number;

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly position: Position,
    readonly detail: string,
  ) {
    super(`line ${position.line}, column ${position.column}: ${detail}`);
  }
}

export interface LocatedJson {
  readonly value: unknown;
  /** Where the value at `path` starts; with `key`, where its property name starts. */
  locate(path: readonly PathSegment[], key?: boolean): Position | undefined;
}

const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Path key for the position index; `\u0000` cannot occur unescaped in a JSON key we accept. */
function pathKey(path: readonly PathSegment[]): string {
  return path.map((s) => (typeof s === 'number' ? `#${s}` : `.${s}`)).join('\u0000');
}

export function parseJsonWithPositions(text: string): LocatedJson {
  const p = new Parser(text);
  const value = p.document();
  const lines = lineStarts(text);
  const at = (offset: number): Position => toPosition(lines, offset);
  return {
    value,
    locate(path, key = false) {
      const k = pathKey(path);
      const offset = key ? p.keys.get(k) : p.values.get(k);
      return offset === undefined ? undefined : at(offset);
    },
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function toPosition(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

class Parser {
  readonly values = new Map<string, number>();
  readonly keys = new Map<string, number>();
  private pos = 0;
  private readonly path: PathSegment[] = [];

  constructor(private readonly text: string) {
    // A UTF-8 byte order mark is what some Windows editors write; it is not content.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): unknown {
    this.ws();
    if (this.pos >= this.text.length) this.fail('the file is empty; expected a JSON object');
    const v = this.value(0);
    this.ws();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the document`);
    return v;
  }

  private fail(detail: string, offset = this.pos): never {
    throw new JsonSyntaxError(toPosition(lineStarts(this.text), offset), detail);
  }

  private describe(): string {
    const c = this.text[this.pos];
    if (c === undefined) return 'end of file';
    return JSON.stringify(c);
  }

  private ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else if (c === 47 && (t[this.pos + 1] === '/' || t[this.pos + 1] === '*'))
        this.fail('comments are not allowed in JSON');
      else return;
    }
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.values.set(pathKey(this.path), this.pos);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default: {
        NUMBER.lastIndex = this.pos;
        const m = NUMBER.exec(this.text);
        if (m === null || m[0] === '' || m[0] === '-')
          this.fail(
            c === undefined
              ? 'unexpected end of file; expected a value'
              : `unexpected ${this.describe()}; expected a value`,
          );
        this.pos += m[0].length;
        return Number(m[0]);
      }
    }
  }

  private literal<T>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected ${this.describe()}; expected a value`);
    this.pos += word.length;
    return v;
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"')
        this.fail(
          this.text[this.pos] === '}'
            ? 'trailing comma before "}"'
            : `expected a property name in double quotes, found ${this.describe()}`,
        );
      const keyAt = this.pos;
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) this.fail(`duplicate property "${key}"`, keyAt);
      this.path.push(key);
      this.keys.set(pathKey(this.path), keyAt);
      this.ws();
      if (this.text[this.pos] !== ':') this.fail(`expected ":" after property name "${key}"`);
      this.pos++;
      this.ws();
      // defineProperty: a "__proto__" key stays data instead of replacing the prototype.
      Object.defineProperty(out, key, {
        value: this.value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.path.pop();
      this.ws();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',')
        this.fail(
          `expected "," or "}" after a property, found ${this.describeAt(this.pos - 1)}`,
          this.pos - 1,
        );
      this.ws();
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] === ']') this.fail('trailing comma before "]"');
      this.path.push(out.length);
      out.push(this.value(depth + 1));
      this.path.pop();
      this.ws();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',')
        this.fail(
          `expected "," or "]" after an element, found ${this.describeAt(this.pos - 1)}`,
          this.pos - 1,
        );
      this.ws();
    }
  }

  private describeAt(offset: number): string {
    const c = this.text[offset];
    return c === undefined ? 'end of file' : JSON.stringify(c);
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++;
    let out = '';
    let run = this.pos;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string', start);
      if (c === 34) {
        out += t.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (c < 32) this.fail('control character in a string (write it as an escape, e.g. \\n)');
      if (c !== 92) {
        this.pos++;
        continue;
      }
      out += t.slice(run, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex))
            this.fail('bad \\u escape: expected four hex digits', this.pos - 2);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail(`bad escape "\\${e ?? ''}" in a string`, this.pos - 2);
      }
      run = this.pos;
    }
  }
}
