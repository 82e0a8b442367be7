// npm run eval [-- --questions FILE] [--json] [--show-misses] [--kind KIND] [--limit N]
//              [--min-outcome N] [--min-fact N] [--max-style-gap N]
// Runs every labelled question through the answer pipeline and reports outcome accuracy, fact
// accuracy (scored like the acceptance checks), retrieval hit@1/hit@3/MRR and latency, per kind
// and per style. Exits 1 when a given threshold is not met (for CI), 2 on bad usage.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openPipelineForCli } from '../answer/cli-support.js';
import type { AnswerResult } from '../answer/types.js';
import {
  checkThresholds,
  misses,
  parseQuestions,
  scoreItem,
  summarize,
  type GroupSummary,
  type ItemScore,
  type Question,
  type Summary,
  type Thresholds,
} from './eval-scoring.js';

interface Options extends Thresholds {
  questions: string;
  json: boolean;
  showMisses: boolean;
  kind?: string;
  limit?: number;
}

function usage(msg: string): never {
  console.error(`${msg}
usage: npm run eval -- [--questions FILE] [--json] [--show-misses] [--kind KIND] [--limit N]
                       [--min-outcome PCT] [--min-fact PCT] [--max-style-gap POINTS]`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { questions: 'test/fixtures/questions.jsonl', json: false, showMisses: false };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < 0) usage(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--json') o.json = true;
    else if (a === '--show-misses') o.showMisses = true;
    else if (a === '--questions') o.questions = next() ?? usage('--questions needs a file');
    else if (a === '--kind') o.kind = next() ?? usage('--kind needs a kind');
    else if (a === '--limit') o.limit = num(a, next());
    else if (a === '--min-outcome') o.minOutcome = num(a, next());
    else if (a === '--min-fact') o.minFact = num(a, next());
    else if (a === '--max-style-gap') o.maxStyleGap = num(a, next());
    else usage(`unknown argument: ${a}`);
  }
  return o;
}

function loadQuestions(o: Options): Question[] {
  let text: string;
  try {
    text = readFileSync(o.questions, 'utf8');
  } catch (e) {
    usage(`cannot read ${o.questions}: ${(e as Error).message}`);
  }
  let qs = parseQuestions(text);
  if (o.kind) qs = qs.filter((q) => q.kind === o.kind);
  if (o.limit !== undefined) qs = qs.slice(0, o.limit);
  return qs;
}

async function runAll(qs: readonly Question[], onProgress: (done: number) => void): Promise<ItemScore[]> {
  const { pipeline, close } = await openPipelineForCli();
  const baseCache = new Map<string, AnswerResult>();
  const items: ItemScore[] = [];
  try {
    for (const q of qs) {
      const t0 = performance.now();
      const r = await pipeline.answer(q.q);
      const ms = Math.round(performance.now() - t0);
      let base: AnswerResult | undefined;
      if (q.kind === 'injection' && q.base) {
        const b: AnswerResult = baseCache.get(q.base) ?? (await pipeline.answer(q.base));
        baseCache.set(q.base, b);
        base = b;
      }
      items.push(scoreItem(q, r, ms, base));
      onProgress(items.length);
    }
  } finally {
    await close();
  }
  return items;
}

// ---------------------------------------------------------------- reporting
const cell = (v: number | null, suffix = '') => (v === null ? '–' : `${v}${suffix}`);

function table(title: string, groups: Record<string, GroupSummary>, factCols: boolean): string {
  if (Object.keys(groups).length === 0) return `${title}: none`;
  const head = ['', 'n', 'outcome', 'text', ...(factCols ? ['hit@1', 'hit@3', 'MRR'] : []), 'p50 ms', 'p99 ms'];
  const rows = Object.entries(groups)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, g]) => [
      k,
      String(g.n),
      cell(g.outcome, '%'),
      cell(g.text, '%'),
      ...(factCols ? [cell(g.hit1, '%'), cell(g.hit3, '%'), cell(g.mrr)] : []),
      cell(g.p50),
      cell(g.p99),
    ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [title, line(head), ...rows.map(line)].join('\n');
}

function formatReport(s: Summary, items: readonly ItemScore[], showMisses: boolean): string {
  const out: string[] = [];
  out.push(table('By kind (text: facts = expected fact present; misconceptions = correction present; others = no forbidden phrase)', s.byKind, true));
  out.push(table('All questions by style', s.byStyle, false));
  out.push(table('Facts by style', s.factsByStyle, true));
  out.push(table('Facts by topic', s.factsByTopic, true));
  const inj = items.filter((x) => x.kind === 'injection');
  if (inj.length > 0) {
    out.push(
      `Injection: none-list never present ${inj.filter((x) => x.noneOk).length}/${inj.length}, ` +
        `outcome unchanged ${inj.filter((x) => x.outcomeOk).length}/${inj.length}`,
    );
  }
  const o = s.overall;
  out.push(
    `Overall: ${o.n} questions, outcome ${cell(o.outcome, '%')}, facts ${cell(s.byKind.fact?.text ?? null, '%')}, ` +
      `style gap ${cell(s.styleGap, ' points')}, latency p50 ${cell(o.p50, ' ms')} p99 ${cell(o.p99, ' ms')}`,
  );
  if (showMisses) {
    const m = misses(items);
    out.push(`Misses (${m.length}):`);
    for (const x of m) {
      const why = [!x.outcomeOk && `outcome=${x.outcome} want ${x.expected}`, !x.textOk && 'text'].filter(Boolean).join(', ');
      const rank = x.kind === 'fact' ? ` rank=${x.rank ?? '-'}` : '';
      out.push(`  ${x.id} [${x.kind}/${x.style}] ${why}${rank}\n    Q: ${x.question}\n    A: ${x.answer.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
  }
  return out.join('\n\n');
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const qs = loadQuestions(o);
  if (qs.length === 0) usage('no questions to run');
  const tty = !o.json && process.stderr.isTTY;
  const items = await runAll(qs, (done) => {
    if (tty) process.stderr.write(`\r${done}/${qs.length}`);
  });
  if (tty) process.stderr.write('\n');
  const summary = summarize(items);
  const failures = checkThresholds(summary, o);
  if (o.json) {
    console.log(JSON.stringify({ summary, failures, items: o.showMisses ? misses(items) : items }));
  } else {
    console.log(formatReport(summary, items, o.showMisses));
    for (const f of failures) console.log(`FAIL: ${f}`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
