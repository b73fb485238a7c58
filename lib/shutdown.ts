/**
 * Runs `steps` in order on SIGINT or SIGTERM (docker stop, Ctrl-C), then exits: servers
 * stop taking requests and finish the ones in flight before their pools close.
 */
export function closeOnSignals(...steps: Array<() => Promise<void>>): void {
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    let code = 0;
    for (const step of steps) {
      await step().catch((error: unknown) => {
        code = 1;
        console.error(error instanceof Error ? error.message : error);
      });
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
}
