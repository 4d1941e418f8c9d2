/**
 * Stops a host cleanly on SIGINT/SIGTERM (Ctrl-C), for the command-line entry points; a second signal
 * exits at once without waiting.
 */
export function stopOnSignals(host: { stop(): Promise<void> }, what: string): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping ${what}…`);
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
