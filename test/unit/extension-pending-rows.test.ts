import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApprovalInfo } from '../../gateway/protocol';
import {
  nextRefusalMs,
  pendingBadge,
  pendingHeadline,
  pendingRow,
} from '../../extension/approvals/pending-rows';
import { statusPresentation, type StatusView } from '../../extension/ui/status-presentation';

const NOW = Date.parse('2026-05-01T12:00:00Z');

const A: ApprovalInfo = {
  approvalId: 'apr-1',
  taskId: 't-1',
  taskName: 'fix upload',
  identity: 'alice',
  callId: 'c-1',
  service: 'iam',
  operation: 'CreateRole',
  action: 'iam:CreateRole',
  resources: ['arn:aws:iam::123456789012:role/deploy-bot'],
  summary: 'Create IAM role deploy-bot',
  params: {},
  requestedAt: new Date(NOW).toISOString(),
  expiresAt: new Date(NOW + 50_000).toISOString(),
  state: 'pending',
  attempts: 1,
  caller: 'aws-cli/1.32.0',
  risk: { level: 'high', reasons: ['grants administrator access'] },
};

void test('a waiting call is a row: what it wants, the action, and the time left, which moves', () => {
  const row = pendingRow(A, NOW);
  assert.equal(row.label, 'Create IAM role deploy-bot');
  assert.equal(row.description, 'refused in 50 s · iam:CreateRole');
  assert.equal(pendingRow(A, NOW + 20_000).description, 'refused in 30 s · iam:CreateRole');
  assert.equal(pendingRow(A, NOW + 90_000).description, 'refused in 0 s · iam:CreateRole');
  assert.equal(row.risk, 'high');
  assert.match(row.tooltip, /^HIGH RISK/);
  assert.equal(
    row.ariaLabel,
    'high risk, Create IAM role deploy-bot, iam:CreateRole, asked by task "fix upload" · alice · client aws-cli/1.32.0, refused automatically in 50 s',
  );
  assert.doesNotMatch(row.ariaLabel, /\$\(|<|\*\*/, 'no codicons or markup for a screen reader');
});

void test('the soonest deadline among waiting calls; the badge counts them', () => {
  const later = { ...A, approvalId: 'apr-2', expiresAt: new Date(NOW + 240_000).toISOString() };
  assert.equal(nextRefusalMs([later, A], NOW), 50_000);
  assert.equal(nextRefusalMs([], NOW), undefined);
  assert.equal(nextRefusalMs([{ ...A, expiresAt: 'never' }], NOW), undefined);
  assert.deepEqual(pendingBadge(2), { value: 2, tooltip: '2 calls waiting for your approval' });
  assert.deepEqual(pendingBadge(1)?.tooltip, '1 call waiting for your approval');
  assert.equal(pendingBadge(0), undefined);
  assert.equal(pendingHeadline([later, A], NOW + 5_000), 'first refused in 45 s');
  assert.equal(pendingHeadline([], NOW), undefined);
});

void test('the status bar counts down to the first automatic refusal', () => {
  const view: StatusView = {
    gateway: { kind: 'running', port: 4000 } as StatusView['gateway'],
    taskName: 'Workspace: project',
    pending: 2,
    nextRefusalMs: 125_000,
    dataDir: '/d',
  };
  const p = statusPresentation(view);
  assert.equal(p.text, '$(shield) Airlock · Workspace: project $(bell-dot) 2 · 2 min 5 s');
  assert.match(
    p.tooltip,
    /2 calls waiting for your approval\. The first is refused automatically in 2 min 5 s/,
  );
  assert.equal(p.tone, 'warning');
  assert.equal(
    statusPresentation({ ...view, pending: 0, nextRefusalMs: undefined }).text,
    '$(shield) Airlock · Workspace: project',
  );
});
