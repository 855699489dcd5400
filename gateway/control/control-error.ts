import type { Response } from 'express';
import { OUT_OF_DESCRIPTORS_ADVICE } from '../errors/out-of-descriptors';
import type { ControlErrorBody, ControlErrorCode } from '../protocol';

/** A control API failure with its stable code and HTTP status. */
export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(res: Response, e: ControlError): void {
  const body: ControlErrorBody = { error: { code: e.code, message: e.message } };
  res.status(e.status).json(body);
}

/**
 * A file-system failure under a control call, in words the user can act on (issue 12: `task
 * start` on a full disk said "Internal error"). Undefined for anything that is not one.
 */
export function storageError(err: unknown, dataDir: string): ControlError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ControlError(
        'StorageFull',
        507,
        `The disk holding the Airlock data dir (${dataDir}) is full, so nothing can be recorded. Free some space, then try again.`,
      );
    case 'EROFS':
      return new ControlError(
        'StorageUnavailable',
        503,
        `The Airlock data dir (${dataDir}) is on a read-only file system, so nothing can be recorded. Make it writable, then try again.`,
      );
    case 'EMFILE':
    case 'ENFILE':
      return new ControlError(
        'TooManyOpenFiles',
        503,
        `The request did not complete: ${OUT_OF_DESCRIPTORS_ADVICE}.`,
      );
    case 'EACCES':
    case 'EPERM':
      return new ControlError(
        'StorageUnavailable',
        503,
        `The gateway may not write to its data dir (${dataDir}). Check its owner and permissions, then try again.`,
      );
    default:
      return undefined;
  }
}
