import type { Response } from 'express';
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
