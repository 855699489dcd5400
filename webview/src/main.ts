/**
 * The webview's entry: registers the @vscode-elements controls it uses, mounts the app, and wires
 * it to the host through VS Code's webview API (postMessage both ways).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import './styles/base.css';
import { mount } from 'svelte';
import App from './components/App.svelte';
import { AppState } from './state/app-state.svelte';
import { browserFrames } from './state/replay-state.svelte';
import type { WebviewMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

const vscode = acquireVsCodeApi();
const app = new AppState((message) => vscode.postMessage(message), browserFrames, browserFrames);
window.addEventListener('message', (event: MessageEvent<unknown>) => app.receive(event.data));
mount(App, { target: document.getElementById('app') ?? document.body, props: { app } });
app.start();
