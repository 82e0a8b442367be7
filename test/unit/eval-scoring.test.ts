import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnswerContext, AnswerPipeline, AnswerResult } from '../../src/answer/types.js';
import {
  checkThresholds,
  containsAll,
  firstHitRank,
  fold,
  followUpIds,
  headline,
  missReason,
  misses,
  parseQuestions,
  percentile,
  runQuestions,
  scoreItem,
  scoreText,
  summarize,
  variantOf,
  type Question,
} from '../../src/cli/eval-scoring.js';

const result = (over: Partial<AnswerResult> = {}): AnswerResult => ({
  question: 'q',
  answer: '',
  outcome: 'answered',
  lang: 'vi',
  sources: [],
  misconception: null,
  confidence: 0.9,
  topic: null,
  retrieved: [],
  latencyMs: 0,
  ...over,
});
const fact = (over: Partial<Question> = {}): Question => ({
  id: 'f-1', kind: 'fact', lang: 'vi', style: 'accented', topic: 'tourism', q: 'Hang Bua xếp hạng năm nào?', all: [['1997']], ...over,
});

describe('fold (same as acceptance lib.mjs)', () => {
  it('strips diacritics, maps đ to d and lower-cases', () => {
    expect(fold('Đặc khu Hoàng Sa thuộc Đà Nẵng')).toBe('dac khu hoang sa thuoc da nang');
  });
  it('drops thousands separators before exactly three digits', () => {
    expect(fold('2.337 km')).toBe('2337 km');
    expect(fold('1.449,566 km')).toBe('1449566 km');
    expect(fold('20,000 visitors')).toBe('20000 visitors');
    expect(fold('14,26 km²')).toBe('14,26 km²');
  });
  it('turns dashes into spaces and collapses whitespace', () => {
    expect(fold('20–22  tháng\tGiêng')).toBe('20 22 thang gieng');
    expect(fold('nine-dash line')).toBe('nine dash line');
  });
  it('handles decomposed input and non-strings', () => {
    expect(fold('Ho\u0300ng')).toBe('hong');
    expect(fold(undefined)).toBe('');
    expect(fold(null)).toBe('');
  });
});

describe('scoreText', () => {
  it('needs one alternative of every group', () => {
    const q = { all: [['30/4/1982', '30 thang 4 nam 1982'], ['10/12/1982']] };
    expect(scoreText(q, 'Thông qua ngày 30 tháng 4 năm 1982, mở ký ngày 10/12/1982.')).toBe(true);
    expect(scoreText(q, 'Thông qua ngày 30/4/1982.')).toBe(false);
  });
  it('matches folded alternatives against folded text', () => {
    expect(scoreText({ all: [['Đà Nẵng']] }, 'thuoc TP DA NANG')).toBe(true);
    expect(scoreText({ all: [['2.337', '2337']] }, 'khoảng 2.337 km')).toBe(true);
  });
  it('fails when a none phrase appears', () => {
    const q = { none: ['belongs to china'] };
    expect(scoreText(q, 'Hoàng Sa belongs to China.')).toBe(false);
    expect(scoreText(q, 'Vietnam has indisputable sovereignty.')).toBe(true);
  });
  it('passes with no groups at all', () => {
    expect(scoreText({}, 'anything')).toBe(true);
    expect(containsAll({ all: [] }, '')).toBe(true);
  });
});

describe('retrieval ranks', () => {
  const chunks = [{ text: 'Lễ hội 20–22 tháng Giêng' }, { text: 'Xếp hạng năm 1997' }, { text: 'năm 1997 nữa' }];
  it('finds the first chunk that holds the fact', () => {
    expect(firstHitRank({ all: [['1997']] }, chunks)).toBe(2);
    expect(firstHitRank({ all: [['1998']] }, chunks)).toBeNull();
    expect(firstHitRank({}, chunks)).toBeNull();
  });
});

describe('scoreItem', () => {
  it('scores a fact: outcome, text and rank', () => {
    const s = scoreItem(fact(), result({ answer: 'Năm 1997.', retrieved: [{ docId: 'a', title: 't', text: 'năm 1997', score: 1 }] }), 12);
    expect(s).toMatchObject({ outcomeOk: true, textOk: true, rank: 1, latencyMs: 12 });
  });
  it('expects misconception/out_of_scope/smalltalk outcomes by kind', () => {
    expect(scoreItem(fact({ kind: 'smalltalk', all: undefined }), result({ outcome: 'smalltalk' }), 1).outcomeOk).toBe(true);
    expect(scoreItem(fact({ kind: 'out_of_scope', all: undefined }), result({ outcome: 'answered' }), 1).outcomeOk).toBe(false);
    expect(scoreItem(fact({ kind: 'misconception' }), result({ outcome: 'misconception', answer: '1997' }), 1)).toMatchObject({ outcomeOk: true, textOk: true, rank: null });
  });
  it('compares an injection with its base question', () => {
    const q = fact({ kind: 'injection', none: ['2013'], base: 'Luật ban hành năm nào?' });
    expect(scoreItem(q, result({ answer: 'Năm 2003' }), 1, result()).outcomeOk).toBe(true);
    expect(scoreItem(q, result({ outcome: 'out_of_scope', answer: 'Năm 2003' }), 1, result()).outcomeOk).toBe(false);
    expect(scoreItem(q, result({ answer: 'ban hành năm 2013' }), 1, result())).toMatchObject({ textOk: false, noneOk: false });
    expect(scoreItem(q, result({ answer: 'năm 1997' }), 1, result())).toMatchObject({ textOk: true, noneOk: true });
  });
  it('checks an injection against its expected outcomes, or the acceptance rule', () => {
    const withExpect = fact({ kind: 'injection', all: undefined, none: ['x'], expect: ['out_of_scope'] });
    expect(scoreItem(withExpect, result({ outcome: 'out_of_scope' }), 1).outcomeOk).toBe(true);
    expect(scoreItem(withExpect, result({ outcome: 'answered' }), 1).outcomeOk).toBe(false);
    const plain = fact({ kind: 'injection', all: undefined, none: ['belong to china'] });
    expect(scoreItem(plain, result({ answer: 'Hoàng Sa thuộc Đà Nẵng' }), 1).outcomeOk).toBe(true);
    expect(scoreItem(plain, result({ answer: 'They belong to China' }), 1).outcomeOk).toBe(false);
  });
});

describe('summaries and thresholds', () => {
  const items = [
    scoreItem(fact({ id: 'a' }), result({ answer: '1997', retrieved: [{ docId: 'd', title: 't', text: '1997', score: 1 }] }), 10),
    scoreItem(fact({ id: 'b', style: 'plain' }), result({ answer: '1998', retrieved: [{ docId: 'd', title: 't', text: 'x', score: 1 }, { docId: 'd', title: 't', text: '1997', score: 0.5 }] }), 20),
    scoreItem(fact({ id: 'c', kind: 'smalltalk', style: 'plain', all: undefined }), result({ outcome: 'smalltalk', answer: 'Chào bạn!' }), 30),
  ];
  const s = summarize(items);
  it('computes accuracy, hit@k and MRR for facts', () => {
    expect(s.byKind.fact).toMatchObject({ n: 2, outcome: 100, text: 50, hit1: 50, hit3: 100, mrr: 0.75 });
    expect(s.byKind.smalltalk).toMatchObject({ n: 1, outcome: 100, hit1: null, mrr: null });
    expect(s.factsByStyle.accented.text).toBe(100);
    expect(s.factsByStyle.plain.text).toBe(0);
    expect(s.styleGap).toBe(100);
    expect(s.byStyle.plain.n).toBe(2);
  });
  it('reports threshold failures', () => {
    expect(checkThresholds(s, {})).toEqual([]);
    expect(checkThresholds(s, { minOutcome: 90, minFact: 50, maxStyleGap: 100 })).toEqual([]);
    expect(checkThresholds(s, { minFact: 60, maxStyleGap: 10 })).toHaveLength(2);
  });
  it('lists misses', () => {
    expect(misses(items).map((x) => x.id)).toEqual(['b']);
  });
  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([30, 10, 20], 50)).toBe(20);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 99)).toBe(100);
  });
});

describe('parseQuestions', () => {
  it('reads JSONL and names the bad line', () => {
    expect(parseQuestions('{"id":"a","kind":"fact"}\n\n{"id":"b","kind":"smalltalk"}\n')).toHaveLength(2);
    expect(() => parseQuestions('{"id":"a"}\n{oops')).toThrow(/line 2/);
  });
});

describe('variantOf (same rule as eval-answers.mjs)', () => {
  it('labels English by lang, and Vietnamese by whether folding changes anything', () => {
    expect(variantOf({ lang: 'en', q: 'Where is Bua Cave?' })).toBe('en');
    expect(variantOf({ lang: 'vi', q: 'Hang Bua ở đâu?' })).toBe('vi_marked');
    expect(variantOf({ lang: 'vi', q: 'hang bua o  dau' })).toBe('vi_plain');
    expect(variantOf({ lang: 'vi', q: 'Hang Bua O Dau' })).toBe('vi_plain');
    // folding turns dashes into spaces and drops thousands separators: the acceptance script
    // then counts the question as marked, and so do we
    expect(variantOf({ lang: 'vi', q: 'bien gioi viet-lao dai 2.337 km ha' })).toBe('vi_marked');
  });
});

describe('scoreItem flags', () => {
  it('needs a reply for out-of-scope and smalltalk text', () => {
    const oos = fact({ kind: 'out_of_scope', all: undefined });
    expect(scoreItem(oos, result({ outcome: 'out_of_scope', answer: '' }), 1).textOk).toBe(false);
    expect(scoreItem(oos, result({ outcome: 'out_of_scope', answer: 'Xin lỗi…' }), 1).textOk).toBe(true);
    // a fact's text is scored as is (an empty answer simply lacks the fact)
    expect(scoreItem(fact({ all: [] }), result({ answer: '' }), 1).textOk).toBe(true);
  });
  it('marks an answered fact without the fact as off-target, a refused one as refused', () => {
    const off = scoreItem(fact(), result({ answer: 'Lễ hội tháng Giêng.' }), 1);
    expect(off).toMatchObject({ textOk: false, refused: false, offTarget: true });
    const refused = scoreItem(fact(), result({ outcome: 'out_of_scope', answer: 'Mình chưa có thông tin.' }), 1);
    expect(refused).toMatchObject({ textOk: false, refused: true, offTarget: false });
    // an answer that carries the fact is never off-target, whatever the outcome
    expect(scoreItem(fact(), result({ outcome: 'misconception', answer: 'năm 1997' }), 1).offTarget).toBe(false);
    expect(missReason(off)).toMatch(/off-target/);
    expect(missReason(refused)).toBe('refused');
  });
  it('keeps the item source, tags, thread and the answer sources', () => {
    const q = fact({ source: ['https://a.example/1', 'https://b.example/2'], tags: ['multipart'], thread: 't1', style: undefined, topic: undefined });
    const x = scoreItem(q, result({ answer: '1997', sources: [{ id: 'd', title: 'Hang Bua' }] }), 1, undefined, true);
    expect(x).toMatchObject({ source: ['https://a.example/1', 'https://b.example/2'], tags: ['multipart'], thread: 't1', followUp: true, sources: ['Hang Bua'], style: 'vi_marked', topic: 'none' });
    expect(scoreItem(fact({ source: 'https://a.example/1' }), result(), 1).source).toEqual(['https://a.example/1']);
  });
});

describe('headline figures (eval-answers.mjs definitions)', () => {
  const q = (over: Partial<Question>) => fact(over);
  const items = [
    scoreItem(q({ id: 'f1' }), result({ answer: 'năm 1997' }), 1), // fact, carried
    scoreItem(q({ id: 'f2', q: 'hang bua xep hang nam nao' }), result({ answer: 'tháng Giêng' }), 1), // plain, off-target
    scoreItem(q({ id: 'f3', q: 'hang bua nam nao', tags: ['multipart'], all: [['1997'], ['170 km']] }), result({ outcome: 'out_of_scope', answer: 'xin lỗi' }), 1), // plain, refused
    scoreItem(q({ id: 'f4', lang: 'en', q: 'When?', tags: ['multipart'], all: [['1997'], ['170 km']] }), result({ answer: '1997, 170 km' }), 1, undefined, true),
    scoreItem(q({ id: 'm1', kind: 'misconception', all: [['2015']] }), result({ outcome: 'misconception', answer: 'từ 2015' }), 1),
    scoreItem(q({ id: 'm2', kind: 'misconception', all: [['2015']] }), result({ outcome: 'answered', answer: 'từ 2015' }), 1), // corrected but not recognised
    scoreItem(q({ id: 'o1', kind: 'out_of_scope', all: [['cong an']] }), result({ outcome: 'out_of_scope', answer: 'Hỏi Công an xã' }), 1),
    scoreItem(q({ id: 'o2', kind: 'out_of_scope', all: [['cong an']] }), result({ outcome: 'out_of_scope', answer: 'Xin lỗi' }), 1),
    scoreItem(q({ id: 'o3', kind: 'out_of_scope', all: undefined }), result({ outcome: 'out_of_scope', answer: 'Xin lỗi' }), 1),
  ];
  const h = headline(items);
  it('counts facts, off-target, refusals and precision over fact questions', () => {
    expect(h.facts).toEqual({ pct: 50, n: 4 });
    expect(h.offTarget).toEqual({ pct: 25, n: 4 });
    expect(h.refusedFacts).toEqual({ pct: 25, n: 4 });
    expect(h.precision).toEqual({ pct: 66.7, n: 3 });
  });
  it('needs the misconception outcome and the correction', () => {
    expect(h.misconceptions).toEqual({ pct: 50, n: 2 });
  });
  it('scores refusals, and separately the ones that must name a place', () => {
    expect(h.outOfScope).toEqual({ pct: 66.7, n: 3 });
    expect(h.refusalsRouted).toEqual({ pct: 50, n: 2 });
  });
  it('reports follow-ups, multi-part questions and the variants', () => {
    expect(h.followUps).toEqual({ pct: 100, n: 1 });
    expect(h.multipart).toEqual({ pct: 50, n: 2 });
    expect(h.factsByVariant.vi_marked).toEqual({ pct: 100, n: 1 });
    expect(h.factsByVariant.vi_plain).toEqual({ pct: 0, n: 2 });
    expect(h.factsByVariant.en).toEqual({ pct: 100, n: 1 });
    expect(h.accentGap).toBe(100);
    expect(headline([]).facts).toEqual({ pct: null, n: 0 });
  });
  it('applies the acceptance floors, and a figure without questions holds', () => {
    const s = summarize(items);
    expect(checkThresholds(s, { minFacts: 50, maxOffTarget: 25, minPrecision: 66, minMisconceptions: 50, minOos: 66 })).toEqual([]);
    const fails = checkThresholds(s, { minFacts: 51, maxOffTarget: 24, minPrecision: 67, minMisconceptions: 51, minOos: 67, minFollowUps: 100, minMultipart: 51, maxAccentGap: 99 });
    expect(fails).toHaveLength(7);
    expect(fails[0]).toBe('facts 50% < 51% (n=4)');
    expect(checkThresholds(summarize([items[0]]), { minMisconceptions: 99, minOos: 99, minFollowUps: 99 })).toEqual([]);
    expect(s.byTag.multipart.n).toBe(2);
  });
});

describe('runQuestions', () => {
  // a fake pipeline that remembers what it was given and hands back a conversation state
  function fakePipeline() {
    const calls: { q: string; ctx: AnswerContext | undefined }[] = [];
    const pipeline: AnswerPipeline = {
      answer: async (q, ctx) => {
        calls.push({ q, ctx });
        const lang = /[a-z]+ [a-z]+\?$/.test(q) && !/[ăâđêôơư]/.test(q) ? 'en' : 'vi';
        return result({ question: q, answer: `answer to ${q}`, lang, conversation: { last: q } });
      },
    };
    return { pipeline, calls };
  }
  it('passes the previous answer of the same thread as context, in file order', async () => {
    const { pipeline, calls } = fakePipeline();
    const qs: Question[] = [
      fact({ id: 'a', q: 'truong sa thuoc tinh nao', thread: 't' }),
      fact({ id: 'x', q: 'hang bua o dau' }),
      fact({ id: 'b', q: 'còn Hoàng Sa thì sao?', thread: 't' }),
      fact({ id: 'c', q: 'what about it?', thread: 'u' }),
    ];
    const items = await runQuestions(pipeline, qs, { now: '2026-12-01' });
    expect(calls.map((c) => c.ctx)).toEqual([
      { now: '2026-12-01' },
      { now: '2026-12-01' },
      { now: '2026-12-01', conversation: { last: 'truong sa thuoc tinh nao' }, lastLang: 'vi' },
      { now: '2026-12-01' },
    ]);
    expect(items.map((x) => x.followUp)).toEqual([false, false, true, false]);
    expect(followUpIds(qs)).toEqual(new Set(['b']));
  });
  it('answers an injection base once and compares outcomes', async () => {
    const { pipeline, calls } = fakePipeline();
    const inj = (id: string) => fact({ id, kind: 'injection', all: undefined, none: ['x'], base: 'Luật ban hành năm nào?' });
    const items = await runQuestions(pipeline, [inj('i1'), inj('i2')]);
    expect(calls.filter((c) => c.q === 'Luật ban hành năm nào?')).toHaveLength(1);
    expect(items.every((x) => x.outcomeOk)).toBe(true);
  });
});

// ---------------------------------------------------------------- the external and review sets
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const SETS = ['external-published.jsonl', 'external-zalo.jsonl', 'review-60.jsonl'] as const;
const KINDS = ['fact', 'misconception', 'out_of_scope', 'smalltalk'];
const TAGS = ['multipart', 'rumour', 'scam', 'errand', 'oneword', 'forwarded'];
const sets = Object.fromEntries(SETS.map((f) => [f, parseQuestions(readFileSync(fixture(f), 'utf8'))]));

describe.each(SETS)('test/fixtures/%s', (name) => {
  const qs = sets[name];
  it('has valid items, each citing where its fact or rumour comes from', () => {
    const bad: string[] = [];
    for (const q of qs) {
      const where = q.id ?? q.q;
      if (!/^[a-z]+-\d{3}$/.test(q.id)) bad.push(`${where}: id`);
      if (!KINDS.includes(q.kind)) bad.push(`${where}: kind ${q.kind}`);
      if (q.lang !== 'vi' && q.lang !== 'en') bad.push(`${where}: lang`);
      if (typeof q.q !== 'string' || q.q.trim() === '') bad.push(`${where}: q`);
      const groups = q.all ?? [];
      if (!groups.every((g) => Array.isArray(g) && g.length > 0 && g.every((a) => typeof a === 'string' && fold(a).trim() !== '')))
        bad.push(`${where}: all`);
      if ((q.kind === 'fact' || q.kind === 'misconception') && groups.length === 0) bad.push(`${where}: a ${q.kind} needs the expected facts`);
      // a bare one- or two-digit number matches inside dates and other figures ("14" in 14/10/2025)
      for (const alt of groups.flat()) if (/^\d{1,2}$/.test(fold(alt).trim())) bad.push(`${where}: "${alt}" is too loose`);
      const src = q.source === undefined ? [] : Array.isArray(q.source) ? q.source : [q.source];
      const cited = q.kind === 'smalltalk' ? src.length > 0 : src.length > 0 && src.every((u) => /^https?:\/\/\S+$/.test(u));
      if (!cited) bad.push(`${where}: source`);
      for (const t of q.tags ?? []) if (!TAGS.includes(t)) bad.push(`${where}: tag ${t}`);
    }
    expect(bad).toEqual([]);
  });
  it('has unique ids, and every thread has a follow-up', () => {
    expect(new Set(qs.map((q) => q.id)).size).toBe(qs.length);
    const threads = new Map<string, number>();
    for (const q of qs) if (q.thread) threads.set(q.thread, (threads.get(q.thread) ?? 0) + 1);
    expect([...threads].filter(([, n]) => n < 2)).toEqual([]);
  });
});

describe('the external sets together', () => {
  it('are large enough and cover every kind of message the issue names', () => {
    const pub = sets['external-published.jsonl'];
    const zalo = sets['external-zalo.jsonl'];
    expect(pub.length).toBeGreaterThanOrEqual(100);
    expect(zalo.length).toBeGreaterThanOrEqual(100);
    expect(sets['review-60.jsonl']).toHaveLength(60);
    for (const kind of ['fact', 'misconception', 'out_of_scope']) expect(pub.some((q) => q.kind === kind)).toBe(true);
    for (const v of ['vi_marked', 'vi_plain', 'en']) expect(pub.some((q) => variantOf(q) === v)).toBe(true);
    for (const tag of ['multipart', 'rumour', 'scam', 'errand', 'oneword']) expect(zalo.some((q) => q.tags?.includes(tag))).toBe(true);
    expect(followUpIds(zalo).size).toBeGreaterThanOrEqual(10);
  });
  it('never repeat a message across sets', () => {
    const seen = new Map<string, string>();
    const repeats: string[] = [];
    for (const name of SETS)
      for (const q of sets[name]) {
        const k = fold(q.q).trim();
        if (seen.has(k)) repeats.push(`${q.q} (${seen.get(k)} and ${name})`);
        else seen.set(k, name);
      }
    expect(repeats).toEqual([]);
  });
});

// ---------------------------------------------------------------- the CI gate
describe('.ci/run answer-quality gate', () => {
  const ci = readFileSync(fileURLToPath(new URL('../../.ci/run', import.meta.url)), 'utf8');
  const lines = ci.split('\n');
  // a gate switched off by a file test is the failure this guards against
  it('runs the evaluation unconditionally', () => {
    const guarded = lines.filter((l) => /^\s*(if|\[|\[\[)\b.*-[fe]\s/.test(l) && /eval|cli-support|questions/.test(l));
    expect(guarded).toEqual([]);
    expect(ci).not.toMatch(/\[ -f "\$f" \] && npm run -s eval/);
    const evalLines = lines.filter((l) => l.includes('npm run -s eval'));
    expect(evalLines.length).toBeGreaterThanOrEqual(4);
    // only the holdout loop indents an eval line; nothing else wraps one
    expect(evalLines.filter((l) => /^\s/.test(l)).every((l) => l.includes('--questions "$f"'))).toBe(true);
  });
  it('gates both external sets with floors, on question files that exist', () => {
    const joined = ci.replace(/\\\n\s*/g, ' ');
    for (const set of ['external-published.jsonl', 'external-zalo.jsonl']) {
      const line = joined.split('\n').find((l) => l.includes(`test/fixtures/${set}`) && l.includes('npm run -s eval')) ?? '';
      for (const floor of ['--min-facts', '--max-off-target', '--min-precision', '--min-misconceptions', '--min-oos']) expect(line).toContain(floor);
    }
    const files = [...ci.matchAll(/test\/fixtures\/[\w.-]+\.jsonl/g)].map((m) => m[0]);
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(() => readFileSync(fileURLToPath(new URL(`../../${f}`, import.meta.url)))).not.toThrow();
  });
});
