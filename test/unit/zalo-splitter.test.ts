import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/channel/backoff.js';
import { codePointLength, splitMessage } from '../../src/channel/splitter.js';

describe('message splitter', () => {
  it('keeps a short message whole and drops an empty one', () => {
    expect(splitMessage('  Xin chào!  ')).toEqual(['Xin chào!']);
    expect(splitMessage('   ')).toEqual([]);
  });

  it('splits at sentence boundaries under 2,000 code points, losing nothing', () => {
    const sentence = 'Đường biên giới Việt Nam – Lào dài khoảng 2.337 km và đi qua nhiều tỉnh. ';
    const text = sentence.repeat(80).trim();
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(codePointLength(p)).toBeLessThanOrEqual(2000);
      expect(p.endsWith('tỉnh.')).toBe(true); // cut after a full stop, not mid-sentence
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('prefers line and paragraph breaks, and counts code points, not UTF-16 units', () => {
    const line = '😀'.repeat(30) + ' Hang Bua';
    const text = Array.from({ length: 80 }, () => line).join('\n');
    const parts = splitMessage(text);
    for (const p of parts) {
      expect(codePointLength(p)).toBeLessThanOrEqual(2000);
      expect(p.startsWith('😀')).toBe(true);
      expect(p.endsWith('Hang Bua')).toBe(true);
    }
    expect(parts.join('\n')).toBe(text);
    // 2,000 emoji are 4,000 UTF-16 units but one message.
    expect(splitMessage('😀'.repeat(2000))).toHaveLength(1);
  });

  it('hard-cuts a single word longer than a message', () => {
    const parts = splitMessage('a'.repeat(4500));
    expect(parts.map((p) => p.length)).toEqual([2000, 2000, 500]);
  });
});

describe('retry backoff', () => {
  it('grows exponentially from the base, stays within jitter bounds and under the cap', () => {
    const opts = { baseMs: 1000, capMs: 60_000, jitter: 0.5 };
    expect(backoffMs(1, opts, () => 1)).toBe(1000);
    expect(backoffMs(1, opts, () => 0)).toBe(500);
    expect(backoffMs(2, opts, () => 1)).toBe(3000);
    expect(backoffMs(3, opts, () => 1)).toBe(9000);
    expect(backoffMs(20, opts, () => 1)).toBe(60_000);
  });
});
