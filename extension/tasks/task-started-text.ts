/** The confirmation after "Start Agent Task…": what was started, as it will be enforced. vscode-free. */
export function taskStartedText(
  name: string,
  scopeTemplate: string | undefined,
  expiresAt: string,
  terminalName: string,
): string {
  const scope = scopeTemplate
    ? `scoped by the policy's "${scopeTemplate}" template`
    : 'unrestricted (the workspace policy still denies and asks)';
  const ends = Date.parse(expiresAt);
  const until = Number.isFinite(ends)
    ? `, its key valid until ${new Date(ends).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}`
    : '';
  return `Airlock started task "${name}": ${scope}${until}. AWS calls from the terminal "${terminalName}" are recorded under it.`;
}
