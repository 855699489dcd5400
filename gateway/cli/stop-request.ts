/**
 * Resolves with what asked the gateway to stop: SIGINT, SIGTERM, SIGHUP (the terminal it runs in
 * was closed: without a handler Node would end at once, skipping the clean stop), or the process
 * that launched it over IPC going away (a relaunching `airlock gateway`:
 * gateway/cli/relaunch-gateway.ts), however that process ended, so the gateway never outlives it.
 * Call it before printing the ready line: whoever reads that line may signal at once, and a signal
 * without a handler kills the process without the clean stop. After the first request the
 * handlers are gone, so a second signal stops the gateway at once.
 */
export function stopRequest(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      process.off('disconnect', onDisconnect);
      resolve(reason);
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    const onHup = (): void => stop('SIGHUP');
    const onDisconnect = (): void => stop('launcher exited');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    const channel = process.channel;
    if (channel) {
      process.on('disconnect', onDisconnect);
      // The channel only watches: it must not keep the process alive once the gateway has closed.
      channel.unref();
      // It may have closed while the gateway was starting.
      if (!process.connected) stop('launcher exited');
    }
  });
}
