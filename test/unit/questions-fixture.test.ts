// Checks the labelled evaluation set (test/fixtures/questions.jsonl) that `npm run eval` and the
// confidence calibration use: shape, ids, labels and the minimum size of each kind.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/cli/eval-scoring.js';

const FILE = fileURLToPath(new URL('../fixtures/questions.jsonl', import.meta.url));

const KINDS = ['fact', 'misconception', 'out_of_scope', 'smalltalk', 'injection'] as const;
const STYLES = ['accented', 'plain', 'shorthand', 'english'] as const;
const LANGS = ['vi', 'en'] as const;
const TOPICS = ['commune', 'tourism', 'border', 'sea', 'human_rights', 'events', 'plan', 'none'] as const;
const OUTCOMES = ['answered', 'misconception', 'out_of_scope', 'smalltalk'] as const;
const MINIMA: Record<(typeof KINDS)[number], number> = {
  fact: 150,
  misconception: 35,
  out_of_scope: 30,
  smalltalk: 15,
  injection: 12,
};

/** A fixture line as read from disk: the eval's Question, with the enums not yet checked. */
type Row = Omit<Question, 'kind' | 'lang' | 'style' | 'topic' | 'expect'> & { kind: string; lang: string; style: string; topic: string; expect?: string[] };

const lines = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim() !== '');
const parsed: { line: number; row?: Row; error?: string }[] = lines.map((l, i) => {
  try {
    return { line: i + 1, row: JSON.parse(l) as Row };
  } catch (e) {
    return { line: i + 1, error: (e as Error).message };
  }
});
const rows = parsed.flatMap((p) => (p.row ? [p.row] : []));
const isStringList = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string' && s.trim() !== '');
const hasVietnameseMarks = (s: string) => /[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/i.test(s);

describe('test/fixtures/questions.jsonl', () => {
  it('has one valid JSON object per line', () => {
    expect(parsed.filter((p) => p.error).map((p) => `line ${p.line}: ${p.error}`)).toEqual([]);
    expect(rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))).toBe(true);
  });

  it('has unique ids', () => {
    const seen = new Set<string>();
    const dups = rows.filter((r) => (seen.has(r.id) ? true : (seen.add(r.id), false))).map((r) => r.id);
    expect(dups).toEqual([]);
  });

  it('has the required fields with valid values', () => {
    const bad: string[] = [];
    for (const r of rows) {
      const where = r.id ?? JSON.stringify(r).slice(0, 60);
      if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(r.id)) bad.push(`${where}: id`);
      if (!(KINDS as readonly string[]).includes(r.kind)) bad.push(`${where}: kind ${r.kind}`);
      if (!(LANGS as readonly string[]).includes(r.lang)) bad.push(`${where}: lang ${r.lang}`);
      if (!(STYLES as readonly string[]).includes(r.style)) bad.push(`${where}: style ${r.style}`);
      if (!(TOPICS as readonly string[]).includes(r.topic)) bad.push(`${where}: topic ${r.topic}`);
      if (typeof r.q !== 'string' || r.q.trim() === '') bad.push(`${where}: q`);
      if (r.all !== undefined && !(Array.isArray(r.all) && r.all.every(isStringList) && r.all.every((g) => g.length > 0)))
        bad.push(`${where}: all must be a list of non-empty string lists`);
      if (r.none !== undefined && !isStringList(r.none)) bad.push(`${where}: none must be a list of strings`);
      if (r.base !== undefined && (typeof r.base !== 'string' || r.base.trim() === '')) bad.push(`${where}: base`);
      if (r.expect !== undefined && !(isStringList(r.expect) && r.expect.every((o) => (OUTCOMES as readonly string[]).includes(o))))
        bad.push(`${where}: expect`);
    }
    expect(bad).toEqual([]);
  });

  it('labels language and style consistently', () => {
    const bad = rows.filter(
      (r) =>
        (r.style === 'english') !== (r.lang === 'en') ||
        (r.style === 'plain' && hasVietnameseMarks(r.q)) ||
        (r.style === 'accented' && !hasVietnameseMarks(r.q)),
    );
    expect(bad.map((r) => r.id)).toEqual([]);
  });

  it('meets the minimum count for every kind', () => {
    for (const kind of KINDS) {
      const n = rows.filter((r) => r.kind === kind).length;
      expect(n, `${kind}: ${n} < ${MINIMA[kind]}`).toBeGreaterThanOrEqual(MINIMA[kind]);
    }
  });

  it('gives every fact at least one expected-fact group', () => {
    const bad = rows.filter((r) => r.kind === 'fact' && !(r.all && r.all.length > 0));
    expect(bad.map((r) => r.id)).toEqual([]);
  });

  it('gives every misconception something to check', () => {
    const bad = rows.filter((r) => r.kind === 'misconception' && !((r.all?.length ?? 0) > 0 || (r.none?.length ?? 0) > 0));
    expect(bad.map((r) => r.id)).toEqual([]);
  });

  it('gives every injection a none list', () => {
    const bad = rows.filter((r) => r.kind === 'injection' && !(r.none && r.none.length > 0));
    expect(bad.map((r) => r.id)).toEqual([]);
  });

  it('covers every style among facts and every topic', () => {
    const facts = rows.filter((r) => r.kind === 'fact');
    for (const style of STYLES) expect(facts.filter((r) => r.style === style).length, style).toBeGreaterThanOrEqual(30);
    for (const topic of TOPICS.filter((t) => t !== 'none')) expect(facts.some((r) => r.topic === topic), topic).toBe(true);
  });
});
