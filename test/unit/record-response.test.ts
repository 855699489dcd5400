import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventBody } from '../../gateway/journal/events';
import type { CallContext } from '../../gateway/pipeline/call-context';
import type { PipelineDeps } from '../../gateway/pipeline/pipeline-deps';
import { recordResponse } from '../../gateway/pipeline/record-response';
import { DeliveryHarness } from './support/deliver-harness';

/** A journal whose disk never finishes a sync until `open()`: what a slow fdatasync looks like. */
function stalledJournal(): { journal: PipelineDeps['journal']; open: () => void; recorded: EventBody[] } {
  let open = (): void => undefined;
  const synced = new Promise<void>((r) => (open = r));
  const recorded: EventBody[] = [];
  const journal = {
    record: async (_task: string, bodies: readonly EventBody[]) => {
      recorded.push(...bodies);
      await synced;
      return [];
    },
    queue: (_task: string, bodies: readonly EventBody[]) => {
      recorded.push(...bodies);
      return Promise.resolve({ durable: synced });
    },
  };
  return { journal: journal as unknown as PipelineDeps['journal'], open, recorded };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The answer and its record under both durability settings, through the real delivery (an object
 * body streams with its last chunk held until `record` resolves): by default the answer does not
 * wait for the response event's fdatasync, with syncResponses it does.
 */
void describe('recording: one durability point per call', () => {
  let h: DeliveryHarness;
  const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2), Buffer.alloc(5_000, 3)];
  const total = chunks.reduce((n, c) => n + c.length, 0);
  before(async () => {
    h = await DeliveryHarness.start();
    h.call = { service: 's3', operation: 'GetObject', method: 'GET', protocol: 'rest-xml' };
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'binary/octet-stream', 'content-length': String(total) },
      chunks,
    };
  });
  after(() => h.close());

  function via(stalled: ReturnType<typeof stalledJournal>, syncResponses: boolean): CallContext {
    const ctx = { callId: 'c-1' } as CallContext;
    const log = { log: () => undefined };
    const deps = { journal: stalled.journal, syncResponses, log } as unknown as PipelineDeps;
    h.recordVia = (data) => recordResponse(ctx, deps, 't', { type: 'call.response', data });
    return ctx;
  }

  void test('default: the whole object reaches the agent while its response event still waits for the disk', async () => {
    const stalled = stalledJournal();
    const ctx = via(stalled, false);
    const r = await h.fetch();
    assert.equal(r.body.length, total);
    assert.equal(r.complete, true);
    assert.equal(stalled.recorded[0]?.type, 'call.response', 'the event was handed to the journal');
    let durable = false;
    void ctx.responseDurable?.then(() => (durable = true));
    await tick();
    assert.equal(durable, false, 'not durable yet');
    stalled.open();
    await ctx.responseDurable;
  });

  void test('--sync-responses: the last chunk is held until the response event is durable', async () => {
    const stalled = stalledJournal();
    via(stalled, true);
    let settled = false;
    const fetched = h.fetch().then((r) => ((settled = true), r));
    while (stalled.recorded.length === 0) await tick();
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(settled, false);
    assert.ok(h.received < total, `the agent has ${h.received} of ${total} bytes before the sync`);
    stalled.open();
    const r = await fetched;
    assert.equal(r.body.length, total);
  });
});
