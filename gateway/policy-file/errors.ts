import type { Position } from './json-positions';
import type { PolicyFileErrorCode, PolicyFileErrorInfo } from './types';

/**
 * Why a workspace policy file was refused. The message reads like a compiler's:
 * `FILE:LINE:COLUMN: PATH: what is wrong`, so terminals and editors can link to the spot.
 */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';

  constructor(
    readonly code: PolicyFileErrorCode,
    readonly file: string,
    /** Where in the file; absent when the whole file is at fault (unreadable). */
    readonly position: Position | undefined,
    /** Where in the document, e.g. `denyRules[2].actions[0]`; empty for the document itself. */
    readonly path: string,
    readonly detail: string,
  ) {
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    super(`${where}: ${path === '' ? '' : `${path}: `}${detail}`);
  }

  /** The same error as plain data (control API, events). */
  toInfo(): PolicyFileErrorInfo {
    return {
      code: this.code,
      file: this.file,
      line: this.position?.line,
      column: this.position?.column,
      path: this.path,
      message: this.message,
    };
  }
}
