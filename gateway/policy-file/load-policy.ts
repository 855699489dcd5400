import { sha256Hex } from '../crypto/sha256-hex';
import { readFile } from 'node:fs/promises';
import { compileWorkspacePolicy, type EffectivePolicy } from './compile-policy';
import { DEFAULT_POLICY_DOCUMENT } from './default-policy';
import { PolicyFileError } from './errors';
import { JsonSyntaxError, parseJsonWithPositions } from './json-positions';
import { formatPath, ShapeError } from './shape-checks';
import { validatePolicy } from './validate-policy';

/**
 * Parses, validates and compiles a workspace policy file's text. Every failure is a
 * PolicyFileError naming the file, the line and column, the element and what is wrong.
 */
export function loadPolicyText(text: string, file: string, loadedAt: Date = new Date()): EffectivePolicy {
  let located;
  try {
    located = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError)
      throw new PolicyFileError('PolicyFileSyntax', file, e.position, '', `not valid JSON: ${e.detail}`);
    throw e;
  }
  try {
    const policy = validatePolicy(located.value);
    const sha256 = sha256Hex(text);
    return compileWorkspacePolicy(policy, { kind: 'file', file, loadedAt: loadedAt.toISOString(), sha256 });
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    // The deepest element that has a position: a path may end inside a value (a condition key).
    let position;
    for (let n = e.path.length; n >= 0 && position === undefined; n--) {
      const p = e.path.slice(0, n);
      position = (n === e.path.length && e.atKey ? located.locate(p, true) : undefined) ?? located.locate(p);
    }
    throw new PolicyFileError('PolicyFileInvalid', file, position, formatPath(e.path), e.detail);
  }
}

export async function loadPolicyFile(file: string): Promise<EffectivePolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new PolicyFileError(
      'PolicyFileUnreadable',
      file,
      undefined,
      '',
      `cannot read the policy file: ${why}`,
    );
  }
  return loadPolicyText(text, file);
}

let builtIn: EffectivePolicy | undefined;

/** The built-in policy, compiled once. */
export function defaultPolicy(): EffectivePolicy {
  builtIn ??= compileWorkspacePolicy(validatePolicy(JSON.parse(JSON.stringify(DEFAULT_POLICY_DOCUMENT))), {
    kind: 'default',
  });
  return builtIn;
}
