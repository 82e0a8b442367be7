// periodicTask: a background task that runs `fn` now and then every `everyMs`, never two runs at
// once, and on stop waits for the run in progress. Used for the flag sweep and the people-loop
// clean-up; failures are logged, never thrown into the timer.
import type { BackgroundTask } from './app.js';
import type { Logger } from './log.js';

export function periodicTask(name: string, everyMs: number, fn: () => Promise<void>, log: Logger): BackgroundTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = fn()
      .catch((err: unknown) => log.error({ err, task: name }, 'periodic task failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name,
    start() {
      run();
      timer = setInterval(run, everyMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
