import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApprovalInfo } from '../../gateway/protocol';
import { approvalPromptText, expiredText, promptButtons } from '../../extension/approvals/approval-prompt';

const NOW = Date.parse('2026-05-01T12:00:00Z');

const BASE: ApprovalInfo = {
  approvalId: 'apr-1',
  taskId: 't-1',
  taskName: 'fix upload',
  identity: 'alice (agent claude)',
  callId: 'c-1',
  service: 'iam',
  operation: 'CreateRole',
  action: 'iam:CreateRole',
  resources: ['arn:aws:iam::123456789012:role/deploy-bot'],
  summary: 'Create IAM role deploy-bot trusted by lambda.amazonaws.com',
  params: {},
  rule: { id: 'ask-iam-writes', reason: 'IAM writes change who may do what' },
  requestedAt: new Date(NOW).toISOString(),
  expiresAt: new Date(NOW + 300_000).toISOString(),
  state: 'pending',
  attempts: 1,
  caller: 'aws-cli/1.32.0',
  grantable: true,
  risk: { level: 'medium', reasons: ['changes who may do what (IAM)'] },
};

void test('the prompt says who asks for what, the exact action and ARN, the rule, and the deadline', () => {
  const text = approvalPromptText(BASE, NOW);
  assert.match(
    text,
    /^Task "fix upload" · alice \(agent claude\) · client aws-cli\/1\.32\.0 wants to create IAM role deploy-bot/,
  );
  assert.match(text, /iam:CreateRole on arn:aws:iam::123456789012:role\/deploy-bot\./);
  assert.match(text, /Asked by rule ask-iam-writes: IAM writes change who may do what\./);
  assert.match(text, /Refused automatically at .+ \(in 5 min\) unless you decide\./);
  assert.doesNotMatch(text, /HIGH RISK/);
});

void test('attaching AdministratorAccess opens with HIGH RISK and why, unlike another IAM write', () => {
  const text = approvalPromptText(
    {
      ...BASE,
      action: 'iam:AttachRolePolicy',
      summary: 'Attach policy arn:aws:iam::aws:policy/AdministratorAccess to IAM role deploy-bot',
      risk: {
        level: 'high',
        reasons: ['grants AdministratorAccess: every action on every resource of the account'],
      },
    },
    NOW,
  );
  assert.match(
    text,
    /^HIGH RISK \(grants AdministratorAccess: every action on every resource of the account\)\. /,
  );
});

void test('the buttons are the decisions and Details, no Cancel; Approve for Task only when it can apply', () => {
  assert.deepEqual(promptButtons(BASE), ['Approve', 'Approve for Task…', 'Deny', 'Details']);
  assert.deepEqual(promptButtons({ ...BASE, grantable: false }), ['Approve', 'Deny', 'Details']);
});

void test('the expiry notice says nobody answered in time, and within how long', () => {
  assert.match(
    expiredText({ ...BASE, state: 'expired' }),
    /Airlock refused iam:CreateRole on arn:aws:iam::123456789012:role\/deploy-bot for task "fix upload".*nobody answered within 5 min/,
  );
});
