/**
 * Runs `steps` in order on SIGINT or SIGTERM (docker stop, Ctrl-C), then exits: servers
 * stop taking requests and finish the ones in flight before their pools and the database
 * close. Returns the same shutdown for a failed start, with the exit code to use.
 */
export function closeOnSignals(...steps: Array<() => Promise<void>>): (exitCode: number) => Promise<never> {
  let closing: Promise<number> | undefined;
  const shutdown = async (exitCode: number): Promise<never> => {
    closing ??= (async () => {
      let code = exitCode;
      for (const step of steps) {
        await step().catch((error: unknown) => {
          code = 1;
          console.error(error instanceof Error ? error.message : error);
        });
      }
      return code;
    })();
    process.exit(await closing);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  return shutdown;
}
