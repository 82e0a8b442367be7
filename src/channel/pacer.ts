// A token bucket for calls to Zalo: at most `ratePerSecond` on average, bursts of at most
// `burst`, per process (one OA per deployment). Zalo's documented limit for an OA is about
// 4,000 calls a minute (reference §7, one second-hand source); the default 50/s = 3,000 a minute
// stays a quarter below it. Several processes on PostgreSQL each have their own bucket:
// divide OUTBOX_RATE_PER_SECOND by the number of processes.
export interface Pacer {
  /** Resolves when a call may start (waiters are served in order). */
  take(): Promise<void>;
  /** Calls started so far (tests, metrics). */
  readonly taken: number;
}

export function createPacer(opts: { ratePerSecond: number; burst?: number; now?: () => number }): Pacer {
  const now = opts.now ?? (() => performance.now());
  const rate = opts.ratePerSecond / 1000; // tokens per ms
  const burst = Math.max(1, opts.burst ?? Math.min(10, Math.ceil(opts.ratePerSecond / 5)));
  let tokens = burst;
  let last = now();
  let taken = 0;
  const queue: Array<() => void> = [];
  let timer: NodeJS.Timeout | null = null;

  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + (t - last) * rate);
    last = t;
  };
  const pump = () => {
    timer = null;
    refill();
    while (queue.length && tokens >= 1) {
      tokens -= 1;
      taken++;
      queue.shift()!();
    }
    if (queue.length) timer = setTimeout(pump, Math.max(1, Math.ceil((1 - tokens) / rate)));
  };
  return {
    take() {
      return new Promise<void>((resolve) => {
        queue.push(resolve);
        if (!timer) pump();
      });
    },
    get taken() {
      return taken;
    },
  };
}
