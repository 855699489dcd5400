// @vscode-elements controls are focusable and handle Enter/Space themselves (vscode-button is a
// role=button host, vscode-toolbar-button wraps a real <button>), which Svelte cannot see on an
// unknown custom element: its keyboard/role a11y warnings are dropped for `vscode-*` elements only.
const ELEMENT_A11Y = new Set([
  'a11y_click_events_have_key_events',
  'a11y_no_static_element_interactions',
  'a11y_interactive_supports_focus',
]);

/** @param {import('svelte/compiler').Warning} w */
export function warningFilter(w) {
  return !(ELEMENT_A11Y.has(w.code) && w.message.includes('`<vscode-'));
}
