// Read by svelte-check (`--workspace webview`); the bundle and the tests use the same filter
// through build/compile-svelte.mjs.
import { warningFilter } from './build/warning-filter.mjs';

export default { compilerOptions: { warningFilter } };
