// Every phrasing of every FAQ in knowledge/ goes through the real answer pipeline (the bundled
// knowledge ingested into a fresh database, exactly as the service does it), and the reply a
// citizen would get is checked against the rules in knowledge/README.md:
// - no editor-note wording ("chưa xác nhận", "theo ngữ cảnh", "các nguồn ghi khác nhau", "check …",
//   "vbpl", "Có nguồn ghi") anywhere in the reply;
// - no bare "Không."/"Có." opening to a question that is not a yes/no question.
// The test depends only on AnswerPipeline.answer and the reply text, so it holds whatever the
// engine does inside.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createAnswerService } from '../../src/answer/service.js';
import type { AnswerPipeline } from '../../src/answer/types.js';
import { testConfig } from '../../src/config.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { BARE_YES_NO, EDITOR_WORDING, isYesNoQuestion } from '../helpers/knowledge-rules.js';

const KNOWLEDGE = path.resolve(import.meta.dirname, '../../knowledge');

interface Phrasing {
  file: string;
  question: string;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.md$/i.test(e.name) && !/^readme\.md$/i.test(e.name) ? [p] : [];
  });
}

/** Every FAQ's title and phrasings, read straight from the files (not from the index). */
function faqPhrasings(): Phrasing[] {
  const out: Phrasing[] = [];
  for (const file of walk(KNOWLEDGE)) {
    const m = fs.readFileSync(file, 'utf8').match(/^---\r?\n([\s\S]*?)\r?\n---/);
    if (!m) continue;
    const fm = (YAML.parse(m[1]) ?? {}) as Record<string, unknown>;
    if (fm.kind !== 'faq') continue;
    const qs = [fm.title, ...(Array.isArray(fm.questions) ? fm.questions : [])].filter((q): q is string => typeof q === 'string' && q.trim() !== '');
    for (const question of new Set(qs)) out.push({ file: path.relative(KNOWLEDGE, file), question });
  }
  return out;
}

describe('every FAQ phrasing, through the real pipeline', () => {
  let t: TestDb;
  let tmp: string;
  let pipeline: AnswerPipeline;
  const phrasings = faqPhrasings();

  beforeAll(async () => {
    t = await createTestDb('pglite');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faq-replies-'));
    const svc = createAnswerService({
      db: t.db,
      config: testConfig(),
      log: pino({ level: 'silent' }),
      roots: { knowledgeDir: KNOWLEDGE, uploadsDir: path.join(tmp, 'uploads') },
      rephraser: null,
    });
    await svc.prepare();
    pipeline = svc.pipeline;
  }, 300_000);
  afterAll(async () => {
    await t?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has the phrasings to send', () => {
    expect(phrasings.length).toBeGreaterThan(900);
  });

  it('never sends editor-note wording, and answers questions that are not yes/no without a bare "Không."/"Có."', async () => {
    const problems: string[] = [];
    for (const p of phrasings) {
      const r = await pipeline.answer(p.question);
      const reply = r.answer.trim();
      for (const re of EDITOR_WORDING) if (re.test(reply)) problems.push(`${p.file} | ${p.question} | editor wording ${re.source} | ${reply.slice(0, 160)}`);
      if (BARE_YES_NO.test(reply) && !isYesNoQuestion(p.question)) problems.push(`${p.file} | ${p.question} | bare yes/no opening | ${reply.slice(0, 160)}`);
    }
    expect(problems).toEqual([]);
  }, 600_000);
});
