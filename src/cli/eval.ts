// npm run eval [-- --questions FILE] [--json] [--show-misses] [--print] [--kind KIND] [--limit N] [--now ISO]
//              [--min-outcome N] [--min-fact N] [--max-style-gap N]
//              [--min-facts N] [--max-off-target N] [--min-precision N] [--min-misconceptions N] [--min-oos N]
//              [--min-followups N] [--min-multipart N] [--max-accent-gap N]
// Runs every question of a question file through the answer pipeline in-process (the service's
// pipeline, as ask and the webhook use it). Questions that share a `thread` run in file order as
// one user: each gets the previous answer's conversation state and language, as the webhook's
// inbox worker passes them. Reports the acceptance figures (facts, off-target, precision,
// misconceptions, out of scope, follow-ups, multi-part, accented/unaccented/English), outcome
// accuracy, retrieval hit@1/hit@3/MRR and latency. Exits 1 when a given floor is not met (CI),
// 2 on bad usage. --print lists question, reply, outcome and sources for a person to judge.
import { readFileSync } from 'node:fs';
import { openPipelineForCli } from '../answer/cli-support.js';
import {
  checkThresholds,
  missReason,
  misses,
  parseQuestions,
  runQuestions,
  summarize,
  type Figure,
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
  print: boolean;
  kind?: string;
  limit?: number;
  now?: string;
}

const USAGE = `usage: npm run eval -- [--questions FILE] [--json] [--show-misses] [--print] [--kind KIND] [--limit N] [--now ISO-DATE]
                       [--min-outcome PCT] [--min-fact PCT] [--max-style-gap POINTS]
                       [--min-facts PCT] [--max-off-target PCT] [--min-precision PCT] [--min-misconceptions PCT]
                       [--min-oos PCT] [--min-followups PCT] [--min-multipart PCT] [--max-accent-gap POINTS]`;

function usage(msg: string): never {
  console.error(`${msg}\n${USAGE}`);
  process.exit(2);
}

const FLOORS: Record<string, keyof Thresholds> = {
  '--min-outcome': 'minOutcome',
  '--min-fact': 'minFact',
  '--max-style-gap': 'maxStyleGap',
  '--min-facts': 'minFacts',
  '--max-off-target': 'maxOffTarget',
  '--min-precision': 'minPrecision',
  '--min-misconceptions': 'minMisconceptions',
  '--min-oos': 'minOos',
  '--min-followups': 'minFollowUps',
  '--min-multipart': 'minMultipart',
  '--max-accent-gap': 'maxAccentGap',
};

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { questions: 'test/fixtures/questions.jsonl', json: false, showMisses: false, print: false };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < 0) usage(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--') continue;
    else if (a === '--json') o.json = true;
    else if (a === '--show-misses') o.showMisses = true;
    else if (a === '--print') o.print = true;
    else if (a === '--questions') o.questions = next() ?? usage('--questions needs a file');
    else if (a === '--kind') o.kind = next() ?? usage('--kind needs a kind');
    else if (a === '--limit') o.limit = num(a, next());
    else if (a === '--now') {
      const v = next();
      if (v === undefined || Number.isNaN(new Date(v).getTime())) usage('--now needs an ISO date, e.g. 2026-12-01');
      o.now = v;
    } else if (a in FLOORS) o[FLOORS[a]] = num(a, next());
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

async function runAll(qs: readonly Question[], now: string | undefined, onProgress: (done: number) => void): Promise<ItemScore[]> {
  const { pipeline, close } = await openPipelineForCli();
  try {
    return await runQuestions(pipeline, qs, { now, onProgress });
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------- reporting
const cell = (v: number | null, suffix = '') => (v === null ? '–' : `${v}${suffix}`);
const fig = (f: Figure) => (f.pct === null ? '–' : `${f.pct}% (n=${f.n})`);

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

function headlineText(s: Summary): string {
  const h = s.headline;
  const v = h.factsByVariant;
  return [
    'Headline (as eval-answers.mjs defines them):',
    `  facts ${fig(h.facts)}   off-target ${fig(h.offTarget)}   refused facts ${fig(h.refusedFacts)}   precision ${fig(h.precision)}`,
    `  misconceptions caught ${fig(h.misconceptions)}   out of scope ${fig(h.outOfScope)}   refusals naming the place ${fig(h.refusalsRouted)}`,
    `  follow-ups ${fig(h.followUps)}   multi-part answered in full ${fig(h.multipart)}   smalltalk ${fig(h.smalltalk)}   injection ${fig(h.injection)}`,
    `  facts by variant: accented ${fig(v.vi_marked)}   unaccented ${fig(v.vi_plain)}   English ${fig(v.en)}   accent gap ${cell(h.accentGap, ' points')}`,
  ].join('\n');
}

function missLine(x: ItemScore): string {
  const where = [x.kind, x.variant, ...(x.thread ? [`thread ${x.thread}${x.followUp ? ' (follow-up)' : ''}`] : []), ...x.tags].join('/');
  const rank = x.kind === 'fact' ? ` rank=${x.rank ?? '-'}` : '';
  return `  ${x.id} [${where}] ${missReason(x)}${rank}\n    Q: ${x.question}\n    A: ${x.answer.replace(/\s+/g, ' ').slice(0, 200)}`;
}

function formatReport(s: Summary, items: readonly ItemScore[], showMisses: boolean): string {
  const out: string[] = [];
  out.push(headlineText(s));
  out.push(table('By kind (text: facts = expected fact present; misconceptions = correction present; others = reply and no forbidden phrase)', s.byKind, true));
  out.push(table('All questions by style', s.byStyle, false));
  out.push(table('Facts by style', s.factsByStyle, true));
  if (Object.keys(s.byTag).length > 0) out.push(table('By tag', s.byTag, false));
  if (items.some((x) => x.topic !== 'none')) out.push(table('Facts by topic', s.factsByTopic, true));
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
    out.push(`Misses (${m.length}):\n${m.map(missLine).join('\n')}`);
  }
  return out.join('\n\n');
}

/** The review listing: one block per question, for a person to judge as the asker would. */
function formatPrint(items: readonly ItemScore[]): string {
  return items
    .map((x, i) => {
      const where = [x.kind, x.variant, ...(x.thread ? [`thread ${x.thread}`] : []), ...x.tags].join('/');
      const verdict = missReason(x) || 'pass';
      return [
        `#${i + 1} ${x.id} [${where}]`,
        `Q: ${x.question}`,
        `A: ${x.answer.replace(/\n+/g, '\n   ')}`,
        `outcome ${x.outcome} (confidence ${x.confidence.toFixed(2)}); sources: ${x.sources.join('; ') || '–'}`,
        `item source: ${x.source.join(' ') || '–'}`,
        `automatic score: ${verdict}`,
        `judgement: [ ] good  [ ] acceptable  [ ] poor  [ ] wrong`,
      ].join('\n');
    })
    .join('\n\n');
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const qs = loadQuestions(o);
  if (qs.length === 0) usage('no questions to run');
  const tty = !o.json && process.stderr.isTTY;
  const items = await runAll(qs, o.now, (done) => {
    if (tty) process.stderr.write(`\r${done}/${qs.length}`);
  });
  if (tty) process.stderr.write('\n');
  const summary = summarize(items);
  const failures = checkThresholds(summary, o);
  if (o.json) {
    console.log(JSON.stringify({ questions: o.questions, summary, failures, items: o.showMisses ? misses(items) : items }));
  } else {
    if (o.print) console.log(formatPrint(items) + '\n');
    console.log(formatReport(summary, items, o.showMisses));
    for (const f of failures) console.log(`FAIL: ${f}`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
