// Node module hooks for the webview tests: compile `.svelte` and `.svelte.ts` files the way the
// bundle does, and resolve Svelte's own modules to their browser builds (the tests run in jsdom).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileComponent, compileRunesModule } from '../../build/compile-svelte.mjs';

function wantsBrowserBuild(specifier, parentURL) {
  return (
    specifier === 'svelte' ||
    specifier.startsWith('svelte/') ||
    specifier === 'esm-env' ||
    (parentURL ?? '').includes('/node_modules/svelte/')
  );
}

export async function resolve(specifier, context, nextResolve) {
  const ctx = wantsBrowserBuild(specifier, context.parentURL)
    ? { ...context, conditions: ['browser', ...context.conditions] }
    : context;
  // `./x.svelte` names a rune module `x.svelte.ts` when no component `x.svelte` exists.
  if (specifier.endsWith('.svelte') && specifier.startsWith('.') && context.parentURL) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(url) + '.ts')) {
      return { url: url.href + '.ts', shortCircuit: true };
    }
  }
  return nextResolve(specifier, ctx);
}

export async function load(url, context, nextLoad) {
  if (url.endsWith('.svelte')) {
    const file = fileURLToPath(url);
    const out = compileComponent(await readFile(file, 'utf8'), file, { dev: true });
    return { format: 'module', source: out.js, shortCircuit: true };
  }
  if (url.endsWith('.svelte.ts') || url.endsWith('.svelte.js')) {
    const file = fileURLToPath(url);
    const out = await compileRunesModule(await readFile(file, 'utf8'), file, { dev: true });
    return { format: 'module', source: out.js, shortCircuit: true };
  }
  return nextLoad(url, context);
}
