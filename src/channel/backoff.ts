// Retry delays: exponential (factor 3) from a small base, capped, with jitter so that many
// messages failing together (an upstream outage) do not retry in lock-step.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** 0..1: the share of the delay that is randomised. */
  jitter?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 15 * 60_000, jitter: 0.5 };

/** Delay before attempt `attempt + 1`, given that `attempt` (1-based) just failed. */
export function backoffMs(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const exp = Math.min(opts.capMs, opts.baseMs * 3 ** Math.max(0, attempt - 1));
  const jitter = opts.jitter ?? 0.5;
  return Math.round(exp * (1 - jitter) + exp * jitter * random());
}
