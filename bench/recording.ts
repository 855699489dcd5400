// Recording at scale: export and offline verification of a 100,000-event task, with the bundle's
// size, plus building the sql.js index over it. `node --import tsx bench/recording.ts` runs it
// alone; bench/run.ts includes it. Targets (issue 4): export < 2 s, verify < 2 s, bundle < 30 MB.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportBundle } from '../gateway/bundle/export-bundle';
import { verifyBundle } from '../gateway/bundle/verify-bundle';
import type { EventBody } from '../gateway/journal/events';
import { Journal } from '../gateway/journal/journal';
import { RecordingIndex } from '../gateway/recording/recording-index';

const TASK = 't-bench-recording';

/** One call as the gateway records it: masked request, decision, masked response with its body. */
function call(n: number): EventBody[] {
  const callId = `c-${n.toString(36).padStart(8, '0')}-7d1e-4b8a-9c2f-3e5a6b7c8d9e`;
  const secret = n % 50 === 0;
  return [
    {
      type: 'call.request',
      data: {
        callId,
        arrival: 'endpoint',
        identity: 'dev',
        accessKeyId: 'AKALJHJZR3FMVRON6NCY',
        method: 'POST',
        target: '/',
        service: secret ? 'secretsmanager' : 'dynamodb',
        region: 'us-east-1',
        operation: secret ? 'GetSecretValue' : 'GetItem',
        protocol: 'json',
        actions: [
          {
            action: secret ? 'secretsmanager:GetSecretValue' : 'dynamodb:GetItem',
            resources: [`arn:aws:dynamodb:us-east-1:123456789012:table/orders-${n % 7}`],
          },
        ],
        params: { TableName: `orders-${n % 7}`, Key: { id: { S: `order-${n}` } }, ConsistentRead: true },
        bodyBytes: 78,
        sourceIp: '127.0.0.1',
        userAgent: 'aws-cli/1.32.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6',
      },
    },
    {
      type: 'call.decision',
      data: { callId, decision: 'allow', reason: 'allowed by the scope of task "bench"' },
    },
    {
      type: 'call.response',
      data: {
        callId,
        status: 200,
        awsRequestId: `${n.toString(16).padStart(8, '0')}-REQ-ID-ABCDEFGHIJKLMNOPQRSTUV`,
        responseBytes: 140,
        upstreamMs: 2.5 + (n % 13) / 10,
        gatewayMs: 0.3 + (n % 5) / 100,
        local: false,
        contentType: 'application/x-amz-json-1.0',
        bodyFormat: 'json',
        bodyBytes: 140,
        body: secret
          ? `{"Name":"db","SecretString":"«airlock:masked:secretsmanager:SecretString:${(n * 7919).toString(16).padStart(12, '0').slice(-12)}»"}`
          : `{"Item":{"id":{"S":"order-${n}"},"total":{"N":"${(n * 37) % 10000}"},"status":{"S":"shipped"}}}`,
        masked: secret
          ? [{ where: 'response', field: 'SecretString', source: 'catalogue', count: 1 }]
          : undefined,
      },
    },
  ];
}

export interface RecordingBench {
  readonly events: number;
  readonly journalBytes: number;
  readonly exportMs: number;
  readonly verifyMs: number;
  readonly bundleBytes: number;
  readonly bundleMB: number;
  readonly indexBuildMs: number;
  readonly targets: Record<string, { target: string; met: boolean }>;
}

export async function recordingBench(
  events = Number(process.env.BENCH_RECORDING_EVENTS ?? 100_000),
): Promise<RecordingBench> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-bench-recording-'));
  try {
    const journal = await Journal.create(dir);
    await journal.record(TASK, [
      {
        type: 'task.started',
        data: {
          taskId: TASK,
          name: 'bench',
          accessKeyId: 'AKALJHJZR3FMVRON6NCY',
          startedBy: 'dev',
          expiresAt: '2030-01-01T00:00:00.000Z',
        },
      },
    ]);
    let written = 1;
    let n = 0;
    while (written < events) {
      const batch: EventBody[] = [];
      while (batch.length < 3000 && written + batch.length < events) batch.push(...call(n++));
      const slice = batch.slice(0, events - written);
      await journal.record(TASK, slice);
      written += slice.length;
    }
    await journal.close();
    const journalBytes = (await readFile(join(dir, 'journal', `${TASK}.jsonl`))).length;

    const out = join(dir, 'bench.airlock');
    let t = performance.now();
    const exported = await exportBundle({ dataDir: dir, taskId: TASK, out });
    const exportMs = performance.now() - t;

    t = performance.now();
    const v = await verifyBundle(await readFile(out));
    const verifyMs = performance.now() - t;
    if (!v.ok || v.count !== events)
      throw new Error(`bench bundle did not verify: ${JSON.stringify(v.ok ? v.count : v.fault)}`);

    t = performance.now();
    const index = await RecordingIndex.open(dir);
    await index.sync();
    index.close();
    const indexBuildMs = performance.now() - t;

    const bundleMB = +(exported.bytes / 1048576).toFixed(2);
    return {
      events,
      journalBytes,
      exportMs: Math.round(exportMs),
      verifyMs: Math.round(verifyMs),
      bundleBytes: exported.bytes,
      bundleMB,
      indexBuildMs: Math.round(indexBuildMs),
      targets: {
        exportMs: { target: '< 2000', met: exportMs < 2000 },
        verifyMs: { target: '< 2000', met: verifyMs < 2000 },
        bundleMB: { target: '< 30', met: bundleMB < 30 },
      },
    };
  } finally {
    if (process.env.BENCH_RECORDING_KEEP) process.stderr.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('recording.ts')) {
  recordingBench().then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
