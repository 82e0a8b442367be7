// The curated knowledge is part of the product: every document must be well-formed, sourced
// and reviewable. This guards what staff (and the content engineers) write in knowledge/.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../../knowledge');
const TOPICS = ['commune', 'tourism', 'border', 'sea', 'human_rights', 'events', 'plan'];

interface Doc {
  file: string;
  fm: Record<string, unknown>;
  body: string;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.md$/i.test(e.name) && !/^readme\.md$/i.test(e.name) ? [p] : [];
  });
}

const docs: Doc[] = walk(ROOT).map((file) => {
  const text = fs.readFileSync(file, 'utf8');
  const m = text.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/);
  if (!m) return { file, fm: {}, body: text };
  return { file, fm: (YAML.parse(m[1]) ?? {}) as Record<string, unknown>, body: m[2].trim() };
});
const rel = (d: Doc) => path.relative(ROOT, d.file);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x.trim()) : []);

describe('knowledge base', () => {
  it('has front matter with id, title, topic, lang, source, updated on every document', () => {
    const problems: string[] = [];
    for (const d of docs) {
      for (const k of ['id', 'title', 'source']) if (!str(d.fm[k])) problems.push(`${rel(d)}: no ${k}`);
      if (!TOPICS.includes(str(d.fm.topic))) problems.push(`${rel(d)}: topic ${String(d.fm.topic)}`);
      if (!['vi', 'en'].includes(str(d.fm.lang))) problems.push(`${rel(d)}: lang ${String(d.fm.lang)}`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(str(d.fm.updated) || String(d.fm.updated instanceof Date ? d.fm.updated.toISOString().slice(0, 10) : d.fm.updated)))
        problems.push(`${rel(d)}: updated ${String(d.fm.updated)}`);
      if (!('reviewed_by' in d.fm)) problems.push(`${rel(d)}: no reviewed_by`);
      if (!['doc', 'faq', 'misconception', ''].includes(str(d.fm.kind))) problems.push(`${rel(d)}: kind ${String(d.fm.kind)}`);
      if (!d.body) problems.push(`${rel(d)}: empty body`);
    }
    expect(problems).toEqual([]);
  });

  it('uses every id once', () => {
    const seen = new Map<string, string>();
    const dups: string[] = [];
    for (const d of docs) {
      const id = str(d.fm.id);
      if (seen.has(id)) dups.push(`${id}: ${seen.get(id)} and ${rel(d)}`);
      seen.set(id, rel(d));
    }
    expect(dups).toEqual([]);
  });

  it('gives every FAQ at least four phrasings', () => {
    const faqs = docs.filter((d) => d.fm.kind === 'faq');
    expect(faqs.length).toBeGreaterThanOrEqual(120);
    expect(faqs.filter((d) => list(d.fm.questions).length < 4).map(rel)).toEqual([]);
  });

  it('gives every misconception a claim, phrasings, a correction and a source', () => {
    const mis = docs.filter((d) => d.fm.kind === 'misconception');
    expect(mis.length).toBeGreaterThanOrEqual(15);
    const problems: string[] = [];
    for (const d of mis) {
      if (!str(d.fm.claim)) problems.push(`${rel(d)}: no claim`);
      if (list(d.fm.claims).length < 4) problems.push(`${rel(d)}: fewer than 4 claims`);
      if (d.body.length < 40) problems.push(`${rel(d)}: correction too short`);
      if (!str(d.fm.source)) problems.push(`${rel(d)}: no source`);
      const req = d.fm.requires;
      if (req !== undefined && !(Array.isArray(req) && req.every((g) => Array.isArray(g) && g.length > 0)))
        problems.push(`${rel(d)}: requires must be a list of non-empty lists`);
    }
    expect(problems).toEqual([]);
  });

  it('covers every topic, with English documents for foreign visitors', () => {
    for (const t of TOPICS) expect(docs.some((d) => d.fm.topic === t), t).toBe(true);
    expect(docs.filter((d) => d.fm.lang === 'en' && (d.fm.kind ?? 'doc') === 'doc').length).toBeGreaterThanOrEqual(3);
    expect(docs.some((d) => d.fm.id === 'commune-lien-he')).toBe(true);
  });

  it('never phrases a known false claim about sovereignty as a statement in English text', () => {
    const bad = /\b(belongs?|belonged) to china\b/i;
    expect(docs.filter((d) => bad.test(d.body) || bad.test(str(d.fm.answer_en)) || bad.test(str(d.fm.correction_en))).map(rel)).toEqual([]);
  });
});
