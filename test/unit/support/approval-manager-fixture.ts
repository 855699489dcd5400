// What the approval-manager tests share: a manual clock, a task, a held request and a manager
// whose records go to memory.
import { ApprovalManager } from '../../../gateway/approvals/approval-manager';
import type { ApprovalRequest } from '../../../gateway/approvals/approval-types';
import type { EventBody } from '../../../gateway/journal/events';
import type { GatewayEvent, TaskInfo } from '../../../gateway/protocol';

/** A manual clock: timers fire only when the test advances time. */
class Clock {
  now = Date.parse('2026-05-01T12:00:00Z');
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  setTimer = (fn: () => void, ms: number): (() => void) => {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    return () => {
      t.live = false;
    };
  };
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const t of this.timers.filter((x) => x.live && x.at <= this.now)) {
      t.live = false;
      t.fn();
    }
    await settle();
  }
}

export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

const TASK: TaskInfo = {
  taskId: 'task-1',
  name: 'rotate keys',
  accessKeyId: 'AKIDTASK',
  startedBy: 'alice',
  startedAt: '2026-05-01T11:00:00Z',
  expiresAt: '2026-05-01T13:00:00Z',
  state: 'active',
};

export function request(key: string, extra: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    key,
    task: TASK,
    identity: 'alice',
    callId: `call-${key}`,
    service: 'iam',
    operation: 'CreateRole',
    action: 'iam:CreateRole',
    resources: ['arn:aws:iam::123456789012:role/bot'],
    pairs: [{ action: 'iam:CreateRole', resource: 'arn:aws:iam::123456789012:role/bot' }],
    summary: 'Create IAM role bot',
    params: { RoleName: 'bot', Password: 'hunter2', Nested: { SecretString: 's3cr3t' } },
    rule: { id: 'ask-iam-writes', reason: 'IAM changes' },
    bodyBinding: { kind: 'none' },
    ...extra,
  };
}

export function setup(opts: { failRecord?: (e: EventBody) => boolean } = {}) {
  const clock = new Clock();
  const recorded: EventBody[] = [];
  const published: GatewayEvent[] = [];
  const m = new ApprovalManager({
    timeoutSeconds: () => 50,
    record: async (_task, events) => {
      await settle();
      if (events.some((e) => opts.failRecord?.(e))) throw new Error('disk full');
      recorded.push(...events);
    },
    publish: (e) => published.push(e),
    log: { log: () => undefined },
    now: () => clock.now,
    setTimer: clock.setTimer,
  });
  return { m, clock, recorded, published };
}

/** Starts holding and waits until the approval is pending (recorded and published). */
export async function hold(m: ApprovalManager, req: ApprovalRequest, signal = new AbortController().signal) {
  const p = m.hold(req, signal);
  await settle();
  await settle();
  return p;
}
