#!/usr/bin/env node
// The gateway CLI, built by esbuild into dist/gateway.js (run `npm run build` first).
// `airlock gateway` started without the gateway's runtime flags restarts itself with them, from a
// small bundle of its own so that the process left waiting never loads the gateway.
if (process.argv[2] !== 'gateway' || !require('../dist/relaunch-gateway.js').relaunchGateway())
  require('../dist/gateway.js');
