/**
 * A key or state file in the data dir that the gateway will not start on. Not an AWS-shaped
 * error (no agent sees it): the CLI prints it, code first, and exits 1. The message names the
 * file, what is wrong with it, and what to do.
 */
export type DataDirFileCode =
  /** A key file of the wrong size or format (master.key, signing-key.pem, ca-key.pem, control-token). */
  | 'KeyFileInvalid'
  /** A state file that does not parse (tasks.json, journal-heads.json). */
  | 'StateFileInvalid';

export class DataDirFileError extends Error {
  constructor(
    readonly code: DataDirFileCode,
    readonly file: string,
    problem: string,
    remedy: string,
  ) {
    super(`${file} ${problem}. ${remedy}`);
    this.name = 'DataDirFileError';
  }
}
