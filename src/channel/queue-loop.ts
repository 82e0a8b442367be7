// A small claim-and-handle loop shared by the inbox worker and the outbox sender: keeps up to
// `concurrency` items in flight, claims more as slots free up, sleeps until woken or until the
// poll interval passes, and on stop() finishes what it holds before resolving.
import type { Logger } from '../log.js';
import type { Wakeup } from './wakeup.js';

export interface QueueLoopOptions<T> {
  name: string;
  concurrency: number;
  pollMs: number;
  wakeup: Wakeup;
  log: Logger;
  claim(limit: number): Promise<T[]>;
  handle(item: T): Promise<void>;
  /**
   * While work is in flight, claim at most once per this many ms (0: claim as soon as a slot
   * frees). Every finished item frees one slot and would cost one claim statement of its own;
   * lingering lets the slots that free meanwhile share one. Idle loops claim at once.
   */
  claimLingerMs?: number;
}

/**
 * Let pending I/O (webhook requests above all) run before the next piece of queue work. Database
 * calls on the embedded database and answers resolve as promise chains; without a macrotask
 * boundary a busy worker can keep the event loop from ever reading a new request.
 */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface QueueLoop {
  start(): void;
  stop(): Promise<void>;
  /** Resolves when nothing is claimable and nothing is in flight (tests, graceful drains). */
  idle(): Promise<void>;
}

export function createQueueLoop<T>(opts: QueueLoopOptions<T>): QueueLoop {
  let stopping = false;
  let loopDone: Promise<void> | null = null;
  const inFlight = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  const linger = opts.claimLingerMs ?? 0;
  let lastClaimAt = -Infinity;
  const run = async () => {
    while (!stopping) {
      await yieldToIo();
      const since = performance.now() - lastClaimAt;
      if (linger > 0 && inFlight.size > 0 && since < linger) {
        await new Promise((resolve) => setTimeout(resolve, linger - since));
        if (stopping) break;
      }
      const free = opts.concurrency - inFlight.size;
      let claimed: T[] = [];
      if (free > 0) {
        try {
          lastClaimAt = performance.now();
          claimed = await opts.claim(free);
        } catch (err) {
          opts.log.error({ err, loop: opts.name }, 'claim failed');
          await opts.wakeup.wait(opts.pollMs * 4);
          continue;
        }
      }
      for (const item of claimed) {
        const p = yieldToIo()
          .then(() => opts.handle(item))
          .catch((err) => opts.log.error({ err, loop: opts.name }, 'handler failed'))
          .finally(() => {
            inFlight.delete(p);
            opts.wakeup.wake(); // a slot is free: claim again (also lets the next part of a reply go)
          });
        inFlight.add(p);
      }
      if (claimed.length === 0) {
        if (inFlight.size === 0 && idleWaiters.length) {
          const ws = idleWaiters;
          idleWaiters = [];
          ws.forEach((w) => w());
        }
        await opts.wakeup.wait(opts.pollMs);
      } else if (inFlight.size >= opts.concurrency) {
        await opts.wakeup.wait(opts.pollMs);
      }
    }
    await Promise.allSettled([...inFlight]);
  };

  return {
    start() {
      if (loopDone) return;
      stopping = false;
      loopDone = run();
    },
    async stop() {
      stopping = true;
      opts.wakeup.wake();
      await loopDone;
      loopDone = null;
      idleWaiters.forEach((w) => w());
      idleWaiters = [];
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        opts.wakeup.wake();
      });
    },
  };
}
