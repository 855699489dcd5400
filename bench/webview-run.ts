// `node --import tsx bench/webview-run.ts`: the timeline benchmark alone (npm run bench runs it too).
import { benchWebview } from './webview';

benchWebview()
  .then((r) => process.stdout.write(JSON.stringify({ webview: r }, null, 2) + '\n'))
  .catch((e: unknown) => {
    process.stderr.write(
      `webview bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = 1;
  });
