/**
 * The account field of a resource ARN the gateway built before it knew the account of its
 * credentials. Not `*` (a wildcard a scope's `arn:…:*:…` pattern would match, and an account rule
 * would not): policy/ matches it as "some account, not known yet", so a rule that restricts a
 * named account applies (fail closed) and a grant naming an account does not. It shows as is in
 * the recording and the approval prompt, and cannot be mistaken for an account id.
 */
export const UNKNOWN_ACCOUNT = '(unknown-account)';
