// `node --import tsx --import ./webview/test/support/register.mjs --test ...`: registered after
// tsx, so these hooks see each module first and hand everything else on to tsx.
import { register } from 'node:module';

register('./svelte-hooks.mjs', import.meta.url);
