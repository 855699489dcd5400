import type { FieldSpec } from './types';

/**
 * Where a value sits in a body: a node per member name from the root (list positions and XML list
 * wrappers leave no node). Which field specs name a node is worked out once, when the scanner
 * enters it, from its parent's answer and its own last few names, so a value costs the same
 * however deep it sits (checking every spec against every value's whole path made deep bodies
 * quadratic).
 */
export interface PathNode {
  readonly parent: PathNode | undefined;
  /** The member name as the body spells it. */
  readonly name: string;
  readonly lower: string;
  readonly depth: number;
  /** Indices of the specs that name this node or one of its ancestors. */
  readonly hits: readonly number[];
}

const NO_HITS: readonly number[] = [];
const MAX_SEGMENT = 64;
const MAX_DISPLAY = 256;

function segmentMatches(want: string, node: PathNode): boolean {
  return want === '*' || want === node.lower;
}

/** Computes the specs that name each node; one per body (the anchoring depends on the format). */
export class PathMatcher {
  readonly root: PathNode = { parent: undefined, name: '', lower: '', depth: 0, hits: NO_HITS };

  /**
   * @param specs the plan's field specs, by index
   * @param anchored whether anchored specs (workspace JSON paths) must match from the root; they
   *   match like the others in XML bodies
   */
  constructor(
    private readonly specs: readonly FieldSpec[],
    private readonly anchored: boolean,
  ) {}

  child(parent: PathNode, name: string): PathNode {
    const node = { parent, name, lower: name.toLowerCase(), depth: parent.depth + 1, hits: parent.hits };
    let hits: number[] | undefined;
    for (let i = 0; i < this.specs.length; i++) {
      if (parent.hits.includes(i)) continue;
      if (this.names(this.specs[i] as FieldSpec, node)) (hits ??= [...parent.hits]).push(i);
    }
    if (hits) node.hits = hits;
    return node;
  }

  /** Does the spec name exactly this node (its path ends with the spec's, or equals it when anchored)? */
  private names(spec: FieldSpec, node: PathNode): boolean {
    const want = spec.path;
    const n = want.length;
    if (n === 0 || node.depth < n) return false;
    if (spec.anchored && this.anchored && node.depth !== n) return false;
    let at: PathNode | undefined = node;
    for (let k = n - 1; k >= 0; k--) {
      if (!at || !segmentMatches(want[k] ?? '', at)) return false;
      const exact = spec.exactCase?.[k];
      if (exact !== undefined && exact !== '*' && exact !== at.name) return false;
      at = at.parent;
    }
    return true;
  }
}

/** The node's path for the recording (`Credentials.SecretAccessKey`): long names cut, the tail kept. */
export function displayPath(node: PathNode): string {
  let text = '';
  for (let at: PathNode | undefined = node; at?.parent; at = at.parent) {
    const own = at.name.length > MAX_SEGMENT ? `${at.name.slice(0, MAX_SEGMENT)}…` : at.name;
    text = text === '' && at === node ? own : `${own}.${text}`;
    if (text.length > MAX_DISPLAY) return `…${text.slice(text.length - MAX_DISPLAY)}`;
  }
  return text;
}

/** Builds a node chain from a list of names (request parameters, tests). */
export function nodeFor(
  matcher: PathMatcher,
  names: readonly string[],
  from: PathNode = matcher.root,
): PathNode {
  let node = from;
  for (const name of names) node = matcher.child(node, name);
  return node;
}
