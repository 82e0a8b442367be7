// The send pacer (token bucket): never faster than the configured rate beyond its burst, and
// waiters are served in order. The breaker's probe schedule backs off and resets on success.
import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/channel/pacer.js';
import { createBreaker } from '../../src/channel/breaker.js';

describe('send pacer', () => {
  it('keeps calls at or below the configured rate after the burst', async () => {
    const pacer = createPacer({ ratePerSecond: 100, burst: 5 });
    const t0 = performance.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 60 }, () => pacer.take().then(() => times.push(performance.now() - t0))));
    // 5 at once, then 55 at 100/s: at least 550 ms.
    expect(Math.max(...times)).toBeGreaterThanOrEqual(540);
    // In every 200 ms window at most burst + rate × 0.2 s calls started.
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 200).length).toBeLessThanOrEqual(5 + 20 + 1);
    expect(pacer.taken).toBe(60);
  });

  it('serves waiters in order', async () => {
    const pacer = createPacer({ ratePerSecond: 200, burst: 1 });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => pacer.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('OA-wide breaker', () => {
  it('allows one probe when due, backs off after failed probes, closes on success', () => {
    let now = 0;
    const b = createBreaker({ probeMs: 1000, now: () => now });
    expect(b.permits()).toBe('yes');
    expect(b.trip(-211, 'quota')).toBe(true);
    expect(b.permits()).toBe('no');
    now = 1000;
    expect(b.permits()).toBe('probe');
    expect(b.permits()).toBe('no'); // one probe at a time
    expect(b.trip(-211, 'quota')).toBe(false); // probe failed: still open, next in 2 s
    now = 2500;
    expect(b.permits()).toBe('no');
    now = 3000;
    expect(b.permits()).toBe('probe');
    expect(b.succeed()).toBe(true);
    expect(b.permits()).toBe('yes');
    expect(b.state().open).toBe(false);
  });
});
