import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timelineHtml } from '../src/host-html';

void test('the host page allows scripts only with the nonce and styles only from the webview origin', () => {
  const html = timelineHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'bm9uY2Utbm9uY2Utbm9uY2U=',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/timeline.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/timeline.css',
    codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css',
    surface: 'sidebar',
  });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /^default-src 'none';/);
  assert.match(csp, /script-src 'nonce-bm9uY2Utbm9uY2Utbm9uY2U='/);
  assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts.every((s) => s.includes('nonce="bm9uY2Utbm9uY2Utbm9uY2U="')));
  assert.doesNotMatch(html, /<style|style="/, 'no inline styles');
  assert.match(html, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="[^"]+codicon\.css">/);
  assert.match(html, /<body class="airlock-sidebar">\s*<div id="app"><\/div>/);
});
