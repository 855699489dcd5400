import type { PathNode } from './path-match';

/**
 * Masking: what a masked value is, where it came from, and the field specs the catalogue and the
 * workspace rules are made of. Pure data; no I/O.
 */

/** Why a value was masked: the built-in catalogue, a workspace rule, or a secret shape. */
export type MaskSource = 'catalogue' | `rule:${string}` | `shape:${ShapeKind}`;

export type ShapeKind = 'aws-secret-key' | 'pem-private-key' | 'jwt' | 'bearer-token';

export type MaskDirection = 'request' | 'response';

/** One masked field of a call, as the recording and bundles list it (never the value). */
export interface MaskedField {
  readonly where: MaskDirection;
  /** Dotted path of the value in the body (`Credentials.SecretAccessKey`), list positions omitted. */
  readonly field: string;
  readonly source: MaskSource;
  /** How many values at this field were masked. */
  readonly count: number;
  /** True when the agent saw the value and only the recording holds a placeholder. */
  readonly recordingOnly?: true;
}

/**
 * A field of a body, as a path of member names matched against the end of a value's path
 * (list positions and XML list wrappers do not count), so `Credentials.SecretAccessKey` matches
 * both `{"Credentials":{...}}` and `<AssumeRoleResult><Credentials>...`. `*` is any one name (map
 * keys). A spec also matches every value below the field it names.
 */
export interface FieldSpec {
  /** Lower-cased path segments. */
  readonly path: readonly string[];
  /** When true, path must match from the body's root (JSON paths of workspace rules). */
  readonly anchored?: boolean;
  /** Case-sensitive match (workspace `fields`, which name members as AWS spells them). */
  readonly exactCase?: readonly string[];
  /** The value is base64 on the wire: the agent gets a base64 placeholder so its SDK still decodes. */
  readonly base64?: boolean;
  /** Only when a sibling member has this value (SSM `Type` = `SecureString`). */
  readonly when?: { readonly sibling: string; readonly equals: string };
  /**
   * Except when a sibling member has one of these values: what is masked unless shown harmless
   * (SSM PutParameter's Value, whose Type may be left out when it overwrites a SecureString).
   */
  readonly unless?: { readonly sibling: string; readonly oneOf: readonly string[] };
}

/** A value the scanners found in a body: a string, where it sits, and its neighbours. */
export interface FoundValue {
  readonly value: string;
  /** Where it sits: member names from the root, list positions and XML list wrappers left out. */
  readonly node: PathNode;
  /** Byte offsets (string offsets) in the body text of the raw token to replace. */
  readonly start: number;
  readonly end: number;
  /** Scalar siblings in the same object / element, by lower-cased name. */
  readonly siblings: ReadonlyMap<string, string> | undefined;
}
