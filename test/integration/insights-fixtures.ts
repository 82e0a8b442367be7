// Shared pieces of the insights tests: answer results, a controllable clock, a silent logger.
import type { AnswerResult } from '../../src/answer/types.js';
import { createLogger } from '../../src/log.js';

export function result(over: Partial<AnswerResult> = {}): AnswerResult {
  return {
    question: 'Hang Bua ở đâu?', answer: 'Hang Bua ở xã Châu Tiến. Nguồn: UBND xã.', outcome: 'answered', lang: 'vi',
    sources: [{ id: 'hang-bua', title: 'Hang Bua' }], misconception: null, confidence: 0.8, topic: 'tourism',
    retrieved: [], latencyMs: 12, ...over,
  };
}

export function misconceptionResult(question: string, id = 'mis-hoang-sa-quang-nam', claim = 'Hoàng Sa thuộc tỉnh Quảng Nam'): AnswerResult {
  return result({ question, outcome: 'misconception', topic: 'sea', misconception: { id, claim }, answer: 'Không đúng. Hoàng Sa thuộc thành phố Đà Nẵng.' });
}

/** A clock tests move by hand. */
export function testClock(start: string | number) {
  let t = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => new Date(t),
    set: (v: number) => {
      t = v;
    },
    advance: (ms: number) => {
      t += ms;
    },
    get ms() {
      return t;
    },
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const silentLog = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
