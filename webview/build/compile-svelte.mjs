// Compiles Svelte components and rune modules (`*.svelte.ts`) for the browser. Shared by the
// esbuild plugin (the bundle) and the Node loader hooks (the tests), so both run the same output.
import { compile, compileModule } from 'svelte/compiler';
import { transform } from 'esbuild';
import { warningFilter } from './warning-filter.mjs';

/**
 * @param {string} source
 * @param {string} filename
 * @param {{ dev?: boolean }} [options]
 * @returns {{ js: string, css: string | undefined, warnings: import('svelte/compiler').Warning[] }}
 */
export function compileComponent(source, filename, options = {}) {
  // css 'external': styles go to a stylesheet loaded by <link>, never injected <style> elements,
  // so the webview's CSP needs no 'unsafe-inline'.
  const out = compile(source, {
    filename,
    generate: 'client',
    css: 'external',
    dev: options.dev ?? false,
    warningFilter,
  });
  return { js: out.js.code, css: out.css?.code, warnings: out.warnings };
}

/**
 * @param {string} source
 * @param {string} filename
 * @param {{ dev?: boolean }} [options]
 * @returns {Promise<{ js: string, warnings: import('svelte/compiler').Warning[] }>}
 */
export async function compileRunesModule(source, filename, options = {}) {
  // The Svelte compiler reads JavaScript only: strip the types first.
  const js = filename.endsWith('.ts')
    ? (await transform(source, { loader: 'ts', sourcefile: filename, target: 'es2022' })).code
    : source;
  const out = compileModule(js, { filename, generate: 'client', dev: options.dev ?? false, warningFilter });
  return { js: out.js.code, warnings: out.warnings };
}
