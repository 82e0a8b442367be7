// The embedded database's lanes (src/db/pglite.ts): one operation at a time, the urgent lane
// (the webhook's event insert) ahead of queued work, order kept within a lane, errors to the caller.
import { describe, expect, it } from 'vitest';
import { createLanes } from '../../src/db/pglite.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('database lanes', () => {
  it('runs one operation at a time and an urgent one before the queued ones', async () => {
    const lanes = createLanes();
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const op = (name: string, ms: number) => async () => {
      running++;
      most = Math.max(most, running);
      await tick(ms);
      order.push(name);
      running--;
      return name;
    };
    const normal = ['n1', 'n2', 'n3', 'n4'].map((n) => lanes.normal(op(n, 5)));
    await tick(1); // n1 is running; n2–n4 wait
    const urgent = lanes.urgent(op('u', 1));
    expect(await urgent).toBe('u');
    await Promise.all(normal);
    expect(most).toBe(1);
    expect(order).toEqual(['n1', 'u', 'n2', 'n3', 'n4']);
  });

  it('hands errors to their caller and keeps going', async () => {
    const lanes = createLanes();
    const bad = lanes.normal(async () => {
      throw new Error('boom');
    });
    const worse = lanes.normal((() => {
      throw new Error('sync boom');
    }) as () => Promise<never>);
    const good = lanes.normal(async () => 42);
    await expect(bad).rejects.toThrow('boom');
    await expect(worse).rejects.toThrow('sync boom');
    expect(await good).toBe(42);
  });

  it('lets the event loop run during a long chain of operations', async () => {
    const lanes = createLanes(2);
    let timerFired = false;
    setTimeout(() => (timerFired = true), 0);
    let sawTimer = false;
    const busy = (ms: number) => async () => {
      const end = performance.now() + ms;
      while (performance.now() < end); // synchronous work, like a WASM statement
      if (timerFired) sawTimer = true;
    };
    await Promise.all(Array.from({ length: 10 }, () => lanes.normal(busy(1))));
    expect(sawTimer).toBe(true);
  });
});
