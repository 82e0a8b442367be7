import { describe, expect, it } from 'vitest';
import { alertText, DEFAULT_BASELINE, flagReason, type FlagRules } from '../../src/insights/flags.js';

const rules: FlagRules = { minUsers24h: 5, minUsers7d: 15, baselineFactor: 3, ...DEFAULT_BASELINE };

describe('flagReason', () => {
  it.each([
    [{ users24h: 4, users7d: 4, baselineDaily: 0 }, null],
    [{ users24h: 5, users7d: 5, baselineDaily: 0 }, 'users_24h'],
    [{ users24h: 2, users7d: 15, baselineDaily: 2 }, 'users_7d'],
  ] as const)('%o -> %s', (counts, expected) => {
    expect(flagReason(counts, rules)).toBe(expected);
  });

  it('needs a real jump: 0 -> 2 is not one, and the baseline never counts below its floor', () => {
    const high = { ...rules, minUsers24h: 1000, minUsers7d: 1000 };
    expect(flagReason({ users24h: 2, users7d: 2, baselineDaily: 0 }, high)).toBeNull();
    expect(flagReason({ users24h: 6, users7d: 6, baselineDaily: 0 }, high)).toBeNull();
    expect(flagReason({ users24h: 7, users7d: 7, baselineDaily: 0 }, high)).toBe('baseline_jump');
    expect(flagReason({ users24h: 2, users7d: 2, baselineDaily: 0 }, { ...high, baselineFloor: 0.1, minUsersForJump: 3 })).toBeNull();
  });

  it('compares the 24 h count with factor x baseline', () => {
    const high = { ...rules, minUsers24h: 1000, minUsers7d: 1000 };
    expect(flagReason({ users24h: 30, users7d: 100, baselineDaily: 10 }, high)).toBeNull();
    expect(flagReason({ users24h: 31, users7d: 100, baselineDaily: 10 }, high)).toBe('baseline_jump');
  });
});

describe('alertText', () => {
  it('names the claim and the counts in Vietnamese', () => {
    const s = alertText({
      id: '1', misconceptionId: 'm', claim: 'Hoàng Sa thuộc Quảng Nam', reason: 'users_24h', raisedAt: new Date(),
      counts: { users24h: 12, users7d: 12, baselineDaily: 0 }, examples: ['hoang sa thuoc quang nam phai ko'],
    });
    expect(s).toContain('Hoàng Sa thuộc Quảng Nam');
    expect(s).toContain('12 người hỏi trong 24 giờ');
  });
});
