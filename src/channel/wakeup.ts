// In-process wake-up for queue loops: the webhook wakes the inbox worker right after an
// insert, the worker wakes the sender after enqueueing. Polling remains the fallback (other
// processes, retries that come due), so a missed wake-up only costs one poll interval.
export interface Wakeup {
  wake(): void;
  /** Resolves on the next wake() or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let waiter: (() => void) | null = null;
  return {
    wake() {
      if (waiter) {
        const w = waiter;
        waiter = null;
        w();
      } else {
        pending = true;
      }
    },
    wait(ms: number) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve();
        }, ms);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}
