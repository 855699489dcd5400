// esbuild plugin: `.svelte` components and `.svelte.ts` rune modules through the Svelte compiler,
// component styles collected into the bundle's CSS file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileComponent, compileRunesModule } from './compile-svelte.mjs';

/** @param {import('svelte/compiler').Warning} w */
function toMessage(w) {
  return {
    text: `${w.code}: ${w.message}`,
    location: w.filename && w.start ? { file: w.filename, line: w.start.line, column: w.start.column } : null,
  };
}

/**
 * @param {{ dev?: boolean }} [options]
 * @returns {import('esbuild').Plugin}
 */
export function sveltePlugin(options = {}) {
  return {
    name: 'svelte',
    setup(build) {
      /** @type {Map<string, string>} */
      const styles = new Map();
      build.onLoad({ filter: /\.svelte$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const filename = path.relative(process.cwd(), args.path);
        const out = compileComponent(source, filename, options);
        let contents = out.js;
        if (out.css) {
          const key = `${args.path}.css`;
          styles.set(key, out.css);
          contents += `\nimport ${JSON.stringify(key)};`;
        }
        return {
          contents,
          loader: 'js',
          resolveDir: path.dirname(args.path),
          warnings: out.warnings.map(toMessage),
        };
      });
      build.onLoad({ filter: /\.svelte\.(ts|js)$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const out = await compileRunesModule(source, path.relative(process.cwd(), args.path), options);
        return {
          contents: out.js,
          loader: 'js',
          resolveDir: path.dirname(args.path),
          warnings: out.warnings.map(toMessage),
        };
      });
      build.onResolve({ filter: /\.svelte\.css$/ }, (args) => ({ path: args.path, namespace: 'svelte-css' }));
      build.onLoad({ filter: /.*/, namespace: 'svelte-css' }, (args) => ({
        contents: styles.get(args.path) ?? '',
        loader: 'css',
      }));
    },
  };
}
