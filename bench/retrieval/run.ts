// Retrieval and answer benchmark: npx tsx bench/retrieval/run.ts [--smoke]
// Loads the full knowledge/ into a fresh embedded database (and a fresh PostgreSQL database when
// TEST_DATABASE_URL or DATABASE_URL is set), runs the labelled questions (test/fixtures/questions.jsonl)
// through the whole pipeline (no LLM), and reports outcome and fact accuracy by style, latency
// p50/p99 and peak RSS, beside a baseline in the same run: plain BM25 over accented text with
// MiniSearch's default tokenizer. Prints a table and writes bench/retrieval/results.md.
// --smoke: a quick CI run (first 80 questions, embedded database only, results.md untouched).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import pino from 'pino';
import { createAnswerService } from '../../src/answer/service.js';
import type { AnswerResult } from '../../src/answer/types.js';
import { containsAll, parseQuestions, scoreItem, type ItemScore, type Question } from '../../src/cli/eval-scoring.js';
import { testConfig } from '../../src/config.js';
import type { Db } from '../../src/db/types.js';
import { createTestDb, type DbKind } from '../../test/helpers/db.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const smoke = process.argv.includes('--smoke');
const all = parseQuestions(fs.readFileSync(path.join(root, 'test/fixtures/questions.jsonl'), 'utf8'));
const questions = smoke ? all.slice(0, 80) : all;
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const kinds: DbKind[] = !smoke && pgUrl ? ['pglite', 'postgres'] : ['pglite'];
if (pgUrl && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = pgUrl;

const pct = (n: number, d: number) => (d ? (100 * n) / d : NaN);
const fmt = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(1));
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

interface RunResult {
  kind: DbKind;
  ingestMs: number;
  loadMs: number;
  items: ItemScore[];
  latencies: number[];
  /** Process CPU time per question (user + system, ms): steadier than wall time on a shared machine. */
  cpu: number[];
  results: Map<string, AnswerResult>;
}

async function runOn(kind: DbKind): Promise<RunResult> {
  const t = await createTestDb(kind);
  try {
    return await measure(kind, t.db);
  } finally {
    await t.drop();
  }
}

async function measure(kind: DbKind, db: Db): Promise<RunResult> {
  const config = testConfig({ KNOWLEDGE_DIR: path.join(root, 'knowledge') });
  const log = pino({ level: 'silent' });
  const svc = createAnswerService({ db, config, log, roots: { uploadsDir: path.join(root, 'bench/retrieval/.no-uploads') }, rephraser: null });
  const t0 = performance.now();
  await svc.prepare(); // first start: indexes everything
  const ingestMs = performance.now() - t0;
  const svc2 = createAnswerService({ db, config, log, roots: { uploadsDir: path.join(root, 'bench/retrieval/.no-uploads') }, rephraser: null });
  const t1 = performance.now();
  await svc2.prepare(); // a later start: nothing changed, only the index is loaded
  const loadMs = performance.now() - t1;
  for (const q of questions.slice(0, 30)) await svc2.pipeline.answer(q.q); // warm-up
  const results = new Map<string, AnswerResult>();
  const latencies: number[] = [];
  const cpu: number[] = [];
  for (const q of questions) {
    const s = performance.now();
    const c = process.cpuUsage();
    const r = await svc2.pipeline.answer(q.q);
    const used = process.cpuUsage(c);
    latencies.push(performance.now() - s);
    cpu.push((used.user + used.system) / 1000);
    results.set(q.id, r);
  }
  // injections with an underlying question must route like that question
  const bases = new Map<string, AnswerResult>();
  for (const q of questions) if (q.base) bases.set(q.id, await svc2.pipeline.answer(q.base));
  const items = questions.map((q) => scoreItem(q, results.get(q.id)!, 0, bases.get(q.id)));
  return { kind, ingestMs, loadMs, items, latencies, cpu, results };
}

/** Baseline: MiniSearch (BM25, default tokenizer, accented text) over the same units; answer = top unit's answer text. */
async function baseline(): Promise<{ answers: Map<string, string>; latencies: number[] }> {
  const t = await createTestDb('pglite');
  try {
    const config = testConfig({ KNOWLEDGE_DIR: path.join(root, 'knowledge') });
    const svc = createAnswerService({ db: t.db, config, log: pino({ level: 'silent' }), roots: { uploadsDir: path.join(root, 'bench/retrieval/.no-uploads') }, rephraser: null });
    await svc.prepare();
    const units = svc.index().units;
    const ms = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], storeFields: [] });
    ms.addAll(units.map((u, id) => ({ id, text: [u.doc.title, u.section, u.text].filter(Boolean).join('\n') })));
    const out = new Map<string, string>();
    const latencies: number[] = [];
    for (const q of questions.slice(0, 30)) ms.search(q.q); // warm-up, as for the pipeline
    for (const q of questions) {
      const s = performance.now();
      const hit = ms.search(q.q)[0];
      latencies.push(performance.now() - s);
      if (!hit) continue;
      const u = units[hit.id as number]!;
      out.set(q.id, u.doc.kind === 'faq' ? (q.lang === 'en' && u.doc.meta.answerEn ? u.doc.meta.answerEn : u.doc.body) : u.text);
    }
    return { answers: out, latencies };
  } finally {
    await t.drop();
  }
}

// --rss-probe: a child process that holds one embedded database and the full index, answers every
// question, and reports its peak RSS (what one running service needs).
if (process.argv.includes('--rss-probe')) {
  const t = await createTestDb('pglite');
  const rssBefore = process.memoryUsage().rss;
  const r = await measure('pglite', t.db);
  const rssAfter = process.memoryUsage().rss;
  await t.drop();
  console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, pgliteRssMb: rssBefore / 1048576, rssAfterMb: rssAfter / 1048576, answered: r.results.size }));
  process.exit(0);
}
const probe = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--rss-probe', ...(smoke ? ['--smoke'] : [])], { encoding: 'utf8' });
const mem = JSON.parse(probe.stdout.trim().split('\n').pop() || '{}') as { maxRssMb?: number; pgliteRssMb?: number; rssAfterMb?: number};
const serviceRssMb = mem.maxRssMb ?? NaN;

const styles = ['accented', 'plain', 'shorthand', 'english'];
const runs: RunResult[] = [];
for (const k of kinds) runs.push(await runOn(k));
const { answers: base, latencies: baseLatencies } = await baseline();
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const facts = questions.filter((q) => q.kind === 'fact');
const lines: string[] = [];
const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
lines.push(`# Retrieval benchmark${smoke ? ' (smoke)' : ''}`, '');
lines.push(`${questions.length} labelled questions (${facts.length} facts), ${runs[0]!.results.size ? '' : ''}knowledge/ with ${fs.readdirSync(path.join(root, 'knowledge'), { recursive: true }).length} entries; Node ${process.version}; no LLM.`, '');
lines.push('## Answer quality (whole pipeline) vs baseline', '');
row(['style', 'n facts', 'fact text % (ours)', 'fact text % (MiniSearch BM25 accented)']);
row(['---', '---:', '---:', '---:']);
const ours = runs[0]!;
const byId = new Map(ours.items.map((x) => [x.id, x]));
for (const st of [...styles, 'all']) {
  const fs_ = facts.filter((q) => st === 'all' || q.style === st);
  const o = fs_.filter((q) => byId.get(q.id)?.textOk && byId.get(q.id)?.outcomeOk).length;
  const b = fs_.filter((q: Question) => containsAll(q, base.get(q.id) ?? '')).length;
  row([st, String(fs_.length), fmt(pct(o, fs_.length)), fmt(pct(b, fs_.length))]);
}
lines.push('');
row(['kind', 'n', 'outcome %', 'text %']);
row(['---', '---:', '---:', '---:']);
for (const k of ['fact', 'misconception', 'out_of_scope', 'smalltalk', 'injection']) {
  const xs = ours.items.filter((x) => x.kind === k);
  row([k, String(xs.length), fmt(pct(xs.filter((x) => x.outcomeOk).length, xs.length)), fmt(pct(xs.filter((x) => x.textOk).length, xs.length))]);
}
const allOk = ours.items.filter((x) => x.outcomeOk).length;
lines.push('', `Outcome accuracy overall: ${fmt(pct(allOk, ours.items.length))}%.`, '');
lines.push('## Latency of the whole pipeline (per question, after warm-up)', '');
row(['database', 'first start (ingest + load)', 'later start (load)', 'p50 ms', 'p99 ms', 'max ms', 'CPU p50 / p99 ms']);
row(['---', '---:', '---:', '---:', '---:', '---:', '---:']);
for (const r of runs) {
  row([r.kind === 'pglite' ? 'embedded (PGlite)' : 'PostgreSQL', `${(r.ingestMs / 1000).toFixed(1)} s`, `${(r.loadMs / 1000).toFixed(2)} s`, percentile(r.latencies, 50).toFixed(1), percentile(r.latencies, 99).toFixed(1), Math.max(...r.latencies).toFixed(1), `${percentile(r.cpu, 50).toFixed(1)} / ${percentile(r.cpu, 99).toFixed(1)}`]);
}
row(['baseline: MiniSearch BM25 lookup only (same run)', '–', '–', percentile(baseLatencies, 50).toFixed(2), percentile(baseLatencies, 99).toFixed(2), Math.max(...baseLatencies).toFixed(2), '–']);
lines.push('', 'Time per pipeline step (embedded run; from each answer\'s trace):', '');
row(['step', 'p50 ms', 'p99 ms']);
row(['---', '---:', '---:']);
const stepTimes = new Map<string, number[]>();
for (const r of runs[0]!.results.values()) for (const t of r.trace ?? []) {
  const name = t.step.replace(/#\d+$/, '');
  const xs = stepTimes.get(name) ?? [];
  xs.push(t.ms ?? 0);
  stepTimes.set(name, xs);
}
for (const [name, xs] of stepTimes) row([name, percentile(xs, 50).toFixed(2), percentile(xs, 99).toFixed(2)]);
lines.push(
  '',
  `Peak RSS of one embedded service (PGlite + full knowledge index, every question answered; separate process): ${serviceRssMb.toFixed(0)} MB` +
    ` (RSS ${(mem.pgliteRssMb ?? NaN).toFixed(0)} MB with the empty migrated PGlite alone, ${(mem.rssAfterMb ?? NaN).toFixed(0)} MB after loading and answering;` +
    ' including the ingest). PGlite\'s WASM heap dominates; on PostgreSQL the process holds only the index.',
  `Peak RSS of this benchmark process (${runs.length} databases plus the baseline): ${peakRssMb.toFixed(0)} MB.`,
  '',
);
if (runs.length > 1) {
  const same = questions.filter((q) => runs[0]!.results.get(q.id)!.outcome === runs[1]!.results.get(q.id)!.outcome).length;
  lines.push(`Embedded and PostgreSQL agree on the outcome of ${same}/${questions.length} questions.`, '');
}
const text = lines.join('\n') + '\n';
console.log(text);
if (!smoke) fs.writeFileSync(path.join(here, 'results.md'), text);
