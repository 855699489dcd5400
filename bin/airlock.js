#!/usr/bin/env node
// The gateway CLI, built by esbuild into dist/gateway.js (run `npm run build` first).
require('../dist/gateway.js');
