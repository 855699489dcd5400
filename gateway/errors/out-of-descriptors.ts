import { GatewayError } from './gateway-error';

/**
 * The process (EMFILE) or the system (ENFILE) has no file descriptor left. Not a missing file nor
 * a broken disk: reported as what it is, so the user ends idle tasks or raises the limit.
 */
export function isOutOfDescriptors(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

export const OUT_OF_DESCRIPTORS_ADVICE =
  'the gateway has run out of file descriptors; end idle tasks (airlock task end) or raise the limit (ulimit -n) and restart the gateway, then retry';

/** The AWS-shaped refusal of a call that needed a file or socket the gateway could not open. */
export function outOfDescriptorsError(): GatewayError {
  return new GatewayError(
    'TooManyOpenFiles',
    `Airlock could not handle this call, so it was not sent to AWS: ${OUT_OF_DESCRIPTORS_ADVICE}.`,
  );
}
