import { parseArgs } from 'node:util';
import { reviewMarkdown } from '../review/review-markdown';
import { collectCalls } from '../review/session-calls';
import { reviewTask } from '../review/task-review';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { loadSession, printWarnings } from './session-events';

const USAGE = 'Usage: airlock review TASK|FILE.airlock [--json | --markdown] [--data-dir DIR]';

/**
 * `airlock review TASK`: the task's access review (scope granted against used, unused grants,
 * calls denied or held with who decided, calls outside the scope, masked secrets, identity).
 * Markdown by default (also with --markdown), or the JSON an auditor's tools read (--json).
 */
export async function runReviewCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const wanted = positionals[0];
  if (!wanted || positionals.length > 1 || (values.json && values.markdown)) throw new CliError(USAGE, 2);
  const s = await loadSession(resolveDataDir(values['data-dir']), wanted, 'review');
  printWarnings(s);
  // A bundle's carried review is shown as exported (verification checked it against the events).
  const computed = s.review ?? reviewTask(collectCalls(s.events, s.session));
  const review = s.warnings.length > 0 ? { ...computed, warnings: s.warnings } : computed;
  process.stdout.write(values.json ? `${JSON.stringify(review, null, 2)}\n` : reviewMarkdown(review));
  return 0;
}
