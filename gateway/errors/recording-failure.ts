/**
 * What an agent is told to do about a record that could not be written. A system error (ENOSPC,
 * EIO, EROFS…) is the data directory's; anything else failed inside the gateway, where advice
 * about disk space would send the user looking in the wrong place.
 */
export function recordingFailureAdvice(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)
    ? `Check free disk space in the Airlock data directory and retry (${code}).`
    : 'Recording it failed inside the gateway, not on disk: the gateway log has the error; please report it.';
}
