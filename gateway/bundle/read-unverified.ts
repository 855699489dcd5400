import zlib from 'node:zlib';
import type { BundleTask } from './format';

/**
 * What a bundle that failed verification still holds, read without trusting it: the header's
 * task and each event line that still parses (the layout of format.ts, nothing checked). For
 * showing a reader which call a broken part is about; nothing of it counts as verified.
 */
export function readUnverified(buf: Buffer): { task?: BundleTask; events: unknown[] } {
  const nl = buf.indexOf(0x0a);
  let text: string;
  try {
    text = zlib.gunzipSync(buf.subarray(nl + 1)).toString('utf8');
  } catch {
    return { events: [] };
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  let task: BundleTask | undefined;
  try {
    task = (JSON.parse(lines[0] ?? '') as { task?: BundleTask }).task;
  } catch {
    task = undefined;
  }
  const events: unknown[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('{"signature":')) continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      // an edited line that is no longer JSON: nothing to show for it
    }
  }
  return { task, events };
}
