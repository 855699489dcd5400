/**
 * Which journal events a review, a policy suggestion or a what-if reads (session-calls.ts), so a
 * journal read for one materialises only those; every line is verified either way.
 */
const MASKED_KEY = Buffer.from('"masked":[');

/**
 * `decisions` (policy suggest, what-if): requests, decisions, approvals and the task; responses
 * say nothing about how a call was judged. `review`: also the responses that masked something
 * (their masked fields are in the review) and none of the others.
 */
export function neededEvents(purpose: 'review' | 'decisions'): (type: string, line: () => Buffer) => boolean {
  if (purpose === 'decisions') return (type) => type !== 'call.response';
  // A quote inside a JSON string is escaped, so `"masked":[` in the bytes can only be a key.
  return (type, line) => type !== 'call.response' || line().includes(MASKED_KEY);
}
