import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { type FakeAws, startFakeAws } from '../fakes/index';
import { runInHost } from './harness/in-host';
import type { InHostReport } from './harness/in-host-report';

// The extension from the source folder, tested from inside VS Code's extension host (the second
// mode of shared/E2E-VSCODE.md); the packaged .vsix is tested through the UI in the other files.
let fake: FakeAws;
let scratch: string;
let report: InHostReport;
// Canaries: "real" credentials in the editor's environment that no terminal may ever see.
const REAL_TOKEN = 'IQoJb3JpZ2luX2VjEAIRCANARYSESSIONTOKEN0123456789';

before(async () => {
  fake = await startFakeAws();
  scratch = await mkdtemp(join(tmpdir(), 'airlock-e2e-inhost-ws-'));
  const workspace = join(scratch, 'project');
  await mkdir(workspace);
  report = await runInHost({
    suite: resolve(import.meta.dirname, 'in-host/extension-host.suite.ts'),
    workspace,
    settings: {
      'airlock.gateway.upstreamUrl': fake.url,
      'airlock.gateway.accountId': fake.accountId,
      'airlock.aws.region': 'us-east-1',
    },
    env: {
      AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: REAL_TOKEN,
    },
  });
});

after(async () => {
  await fake?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const expected = [
  'the extension activates by itself and registers every command it contributes',
  'a new terminal gets the task key and the gateway, and none of the real credentials',
  'the AWS CLI in such a terminal is answered through the gateway',
  'turning proxy routing off takes the proxy variables out of new terminals',
  'the retention setting reaches a restarted gateway as --retention-days',
];

for (const name of expected)
  void test(`in the extension host: ${name}`, () => {
    const r = report.results.find((x) => x.name === name);
    assert.ok(r, `the in-host suite did not report "${name}"`);
    if (!r.ok) assert.fail(r.error);
  });
