import type * as vscode from 'vscode';

/** Writes one line of the gateway's JSON log to the output channel at its own level. */
export function forwardLogLine(log: vscode.LogOutputChannel, line: string): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    if (line.trim()) log.info(line);
    return;
  }
  // The channel stamps its own time; the gateway's `t` would only repeat it.
  const { t: _t, level, msg, ...fields } = entry;
  const text = `${typeof msg === 'string' ? msg : line}${Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}`;
  switch (level) {
    case 'debug':
      log.debug(text);
      break;
    case 'warn':
      log.warn(text);
      break;
    case 'error':
      log.error(text);
      break;
    default:
      log.info(text);
  }
}
