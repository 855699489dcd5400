import { iamActionNames } from '../../gateway/aws/iam-action-names';
import { PolicyFileError } from '../../gateway/policy-file/errors';
import { loadPolicyText } from '../../gateway/policy-file/load-policy';
import { policyWarnings } from '../../gateway/policy-file/policy-warnings';

/** One problem of the policy file as the editor marks it: 0-based line and column. */
export interface PolicyProblem {
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly column: number;
  /** How many characters to underline: the JSON string there, else one. */
  readonly length: number;
  readonly message: string;
}

/** The length of the JSON string value starting at `offset` of `lineText`, quotes included. */
function stringLength(lineText: string, offset: number): number {
  if (lineText[offset] !== '"') return 1;
  for (let i = offset + 1; i < lineText.length; i++) {
    if (lineText[i] === '\\') i++;
    else if (lineText[i] === '"') return i - offset + 1;
  }
  return 1;
}

/**
 * What the gateway would say of this text: the error that makes it refuse the file, else the
 * warnings of patterns that match nothing AWS has. vscode-free, so it is tested as a table.
 */
export function policyProblems(text: string, file: string, names = iamActionNames()): PolicyProblem[] {
  const lines = text.split('\n');
  const at = (
    line: number,
    column: number,
    severity: PolicyProblem['severity'],
    message: string,
  ): PolicyProblem => ({
    severity,
    line: line - 1,
    column: column - 1,
    length: stringLength(lines[line - 1] ?? '', column - 1),
    message,
  });
  try {
    loadPolicyText(text, file);
  } catch (e) {
    if (!(e instanceof PolicyFileError)) throw e;
    const message = `${e.path === '' ? '' : `${e.path}: `}${e.detail} (Airlock keeps the last good policy in force)`;
    return [at(e.position?.line ?? 1, e.position?.column ?? 1, 'error', message)];
  }
  return policyWarnings(text, names).map((w) =>
    at(w.position?.line ?? 1, w.position?.column ?? 1, 'warning', `${w.path}: ${w.message}`),
  );
}
