import type { ApprovalInfo, GatewayEvent } from '../../gateway/protocol';

export interface ApprovalChange {
  readonly added: readonly ApprovalInfo[];
  /** Approvals no longer pending, with their last known state. */
  readonly removed: readonly ApprovalInfo[];
}

/** The pending approvals of one gateway, kept from its event stream and re-synced by listing. */
export class ApprovalStore {
  private readonly pending = new Map<string, ApprovalInfo>();
  /** Recently settled approvals, so a late click can say who decided (bounded). */
  private readonly settled = new Map<string, ApprovalInfo>();
  private readonly listeners = new Set<(change: ApprovalChange) => void>();

  onChange(listener: (change: ApprovalChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get all(): readonly ApprovalInfo[] {
    return [...this.pending.values()].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  get(approvalId: string): ApprovalInfo | undefined {
    return this.pending.get(approvalId);
  }

  /** The approval pending, or as last known once settled. */
  last(approvalId: string): ApprovalInfo | undefined {
    return this.pending.get(approvalId) ?? this.settled.get(approvalId);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Applies one event of the stream; other event types are ignored. */
  apply(event: GatewayEvent): void {
    switch (event.type) {
      case 'approval.requested':
        if (event.approval.state === 'pending' && !this.pending.has(event.approval.approvalId)) {
          this.pending.set(event.approval.approvalId, event.approval);
          this.emit({ added: [event.approval], removed: [] });
        }
        break;
      case 'approval.decided':
      case 'approval.expired':
        this.settle(event.approval);
        break;
      default:
        break;
    }
  }

  /** This approval is no longer pending (decided here, elsewhere, or expired). */
  settle(approval: ApprovalInfo): void {
    const known = this.settled.get(approval.approvalId);
    // A guess (expired, after a refused decision) never overwrites what the gateway said.
    if (!known || approval.decidedAt || approval.state !== 'expired') this.remember(approval);
    if (this.pending.delete(approval.approvalId)) this.emit({ added: [], removed: [approval] });
  }

  private remember(approval: ApprovalInfo): void {
    this.settled.delete(approval.approvalId);
    this.settled.set(approval.approvalId, approval);
    if (this.settled.size > 200) this.settled.delete(this.settled.keys().next().value ?? '');
  }

  /** Replaces the pending set with a fresh listing (after a reconnect, or when polling). */
  sync(listing: readonly ApprovalInfo[]): void {
    const fresh = new Map(listing.filter((a) => a.state === 'pending').map((a) => [a.approvalId, a]));
    const added = [...fresh.values()].filter((a) => !this.pending.has(a.approvalId));
    const removed = [...this.pending.values()].filter((a) => !fresh.has(a.approvalId));
    this.pending.clear();
    for (const [id, a] of fresh) this.pending.set(id, a);
    if (added.length > 0 || removed.length > 0) this.emit({ added, removed });
  }

  /** Everything pending is gone (the gateway that held it stopped). */
  clear(): void {
    this.sync([]);
  }

  private emit(change: ApprovalChange): void {
    for (const l of this.listeners) l(change);
  }
}
