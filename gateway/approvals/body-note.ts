import type { BodyBinding } from '../protocol';

/**
 * What an approver must know about the body, said only when the approval cannot bind its bytes:
 * an upload streamed with UNSIGNED-PAYLOAD goes to AWS unseen, so approving binds its declared
 * length and checksums, not its content (request-key.ts).
 */
export function bodyBindingNote(b: BodyBinding | undefined): string | undefined {
  switch (b?.kind) {
    case 'declared-length':
      return `its ${b.bytes}-byte body is streamed unsigned: approving binds its length and checksums, not its content`;
    case 'per-attempt':
      return 'its body is streamed unsigned with no length declared: approving lets this one attempt through, unseen';
    default:
      return undefined;
  }
}
