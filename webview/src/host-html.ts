/**
 * The page a host gives the timeline webview: strict CSP (scripts only with the nonce, styles and
 * fonts only from the webview's own resource origin, nothing else), the stylesheets, and the
 * bundle. Dependency-free: the extension imports it with `webview.cspSource` and
 * `webview.asWebviewUri(...)` values; the benchmark's host page uses it too, so both load the
 * timeline the same way.
 */

export interface TimelineHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** Fresh per page load (base64 or hex, at least 128 bits). */
  readonly nonce: string;
  /** URIs of dist/webview/timeline.js, timeline.css and codicon.css (as webview URIs). */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /** 'sidebar' for the webview view (side bar colours), 'panel' for an editor. */
  readonly surface: 'sidebar' | 'panel';
  /** Extra scripts (same nonce) loaded before the timeline; the benchmark's probes only. */
  readonly extraScripts?: readonly string[];
  /** Extra CSP directives; the benchmark's host worker only. */
  readonly extraCsp?: readonly string[];
  /** Extra stylesheets loaded first; a stand-in for VS Code's theme variables outside VS Code. */
  readonly extraStyles?: readonly string[];
  /** Body classes VS Code would set (`vscode-dark` ...); VS Code sets them itself. */
  readonly bodyClass?: string;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function timelineHtml(o: TimelineHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    `style-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    ...(o.extraCsp ?? []),
  ].join('; ');
  const nonce = attr(o.nonce);
  const bodyClass = [o.bodyClass ?? '', o.surface === 'sidebar' ? 'airlock-sidebar' : '']
    .filter(Boolean)
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${(o.extraStyles ?? []).map((href) => `<link rel="stylesheet" href="${attr(href)}">`).join('\n')}
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(o.codiconUri)}">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Airlock timeline</title>
</head>
<body${bodyClass ? ` class="${attr(bodyClass)}"` : ''}>
<div id="app"></div>
${(o.extraScripts ?? []).map((src) => `<script nonce="${nonce}" src="${attr(src)}"></script>`).join('\n')}
<script nonce="${nonce}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
