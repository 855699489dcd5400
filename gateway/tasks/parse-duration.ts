/** Parses `90s`, `30m`, `2h`, `1d` (or plain seconds) into seconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!m || !m[1]) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit === 'd' ? 86400 : unit === 'h' ? 3600 : unit === 'm' ? 60 : 1;
  const seconds = n * factor;
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
