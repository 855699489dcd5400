import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import { EventBus } from '../../gateway/approvals/event-bus';
import { eventStream } from '../../gateway/control/event-stream';
import type { GatewayEvent, TaskInfo } from '../../gateway/protocol';

const TASK: TaskInfo = {
  taskId: 't1',
  name: 'n',
  accessKeyId: 'AKID',
  startedBy: 'alice',
  startedAt: '2026-05-01T00:00:00Z',
  expiresAt: '2026-05-02T00:00:00Z',
  state: 'active',
};

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

void test('GET /events streams each event as one data line and lets go of clients that leave', async () => {
  const bus = new EventBus();
  const app = express();
  app.get('/events', eventStream(bus));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, {
      signal: abort.signal,
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    await until(() => bus.size === 1);
    const event: GatewayEvent = { type: 'task.started', task: TASK };
    bus.publish(event);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\ndata: ') || !text.endsWith('\n\n')) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    const data = text.split('\n').filter((l) => l.startsWith('data: '));
    assert.deepEqual(
      data.map((l) => JSON.parse(l.slice(6)) as unknown),
      [event],
    );
    abort.abort();
    await until(() => bus.size === 0);

    // A gateway that stops ends every open stream.
    const res2 = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/events`);
    await until(() => bus.size === 1);
    bus.close();
    assert.match(await res2.text(), /^: airlock events/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
