import { join } from 'node:path';

/**
 * The environment for the e2e installer's child npm. An outer `npm test` exports its own
 * configuration to everything below it: `npm_config_user_agent` names the outer Node (20), and
 * code-server's postinstall reads the Node version from it and refuses to install ("requires
 * node v24") even when npm itself runs on Node 24. So nothing npm-specific is inherited: no
 * `npm_config_*` (user agent, prefix, cache, globalconfig…), `npm_lifecycle_*`, `npm_package_*`
 * or the other variables npm sets for scripts, and no NODE_OPTIONS (the test runner's loaders).
 * Node 24 comes first on PATH, so `npm` (a `#!/usr/bin/env node` script) runs on it.
 */
const INHERITED_NPM = /^(npm_|npm-|INIT_CWD$|NODE$|NODE_OPTIONS$|NODE_PATH$|COLOR$|EDITOR$)/i;

export function installerEnv(
  outer: NodeJS.ProcessEnv,
  nodeHome: string | undefined,
  own: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(outer)) if (v !== undefined && !INHERITED_NPM.test(k)) env[k] = v;
  if (nodeHome !== undefined) env.PATH = `${join(nodeHome, 'bin')}:${outer.PATH ?? ''}`;
  return { ...env, ...own };
}
