// npm run -s ask -- [--json] "question"      one question
// npm run -s ask -- [--json] < questions.txt one question per line, answers in the same order
// With --json every answer is one JSON object on one line (SPEC "Asking from the command line");
// without it, a readable answer. Uses the same pipeline as the Zalo webhook; while a server owns
// the embedded data directory, that server answers (src/http/local-ask.ts), with the same output.
import readline from 'node:readline';
import { openAnswerService } from '../answer/cli-support.js';
import type { AnswerContext, AnswerResult } from '../answer/types.js';
import { openAnswerPipeline } from './support.js';

function parseArgs(argv: string[]): { json: boolean; questions: string[] } {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json' && a !== '--');
  const unknown = rest.find((a) => a.startsWith('--'));
  if (unknown) {
    console.error(`unknown option ${unknown}\nusage: npm run -s ask -- [--json] "question"   (or questions on stdin, one per line)`);
    process.exit(2);
  }
  return { json, questions: rest.length ? [rest.join(' ')] : [] };
}

export function toJsonLine(r: AnswerResult): string {
  return JSON.stringify({
    question: r.question,
    answer: r.answer,
    outcome: r.outcome,
    lang: r.lang,
    sources: r.sources,
    misconception: r.misconception,
    confidence: r.confidence,
    topic: r.topic,
    rumour: r.rumour ?? false,
    trace: r.trace ?? [],
    conversation: r.conversation ?? null,
  });
}

function readable(r: AnswerResult): string {
  const src = r.sources.map((s) => s.title).join('; ');
  return `${r.answer}\n\n[${r.outcome}, ${r.lang}, confidence ${r.confidence.toFixed(2)}${src ? `, ${src}` : ''}${r.misconception ? `, misconception ${r.misconception.id}` : ''}]`;
}

async function* stdinLines(): AsyncGenerator<string> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

const { json, questions } = parseArgs(process.argv.slice(2));
if (questions.length === 0 && process.stdin.isTTY) {
  console.error('usage: npm run -s ask -- [--json] "question"   (or questions on stdin, one per line)');
  process.exit(2);
}

const opened = await openAnswerPipeline(async ({ config, db }) => (await openAnswerService(config, db)).pipeline);
try {
  const ctx: AnswerContext = {};
  const source = questions.length ? questions : stdinLines();
  for await (const line of source) {
    const q = line.trim();
    if (!q) {
      // keep one output line per input line, in order
      if (json && questions.length === 0) {
        const r = await opened.pipeline.answer(q);
        process.stdout.write(toJsonLine(r) + '\n');
      }
      continue;
    }
    const r = await opened.pipeline.answer(q, ctx);
    process.stdout.write((json ? toJsonLine(r) : readable(r) + '\n') + '\n');
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await opened.close();
}
