import fs from 'node:fs';
import { cliLogger } from '/work/main/src/answer/cli-support.js';
import { createPipeline, DEFAULT_THRESHOLDS, rankAnswers } from '/work/main/src/answer/pipeline.js';
import { createAnswerService } from '/work/main/src/answer/service.js';
import { loadConfig } from '/work/main/src/config.js';
import { migrate } from '/work/main/src/db/migrate.js';
import { openDb } from '/work/main/src/db/open.js';
import { hashEmbed } from '/work/main/src/retrieval/embeddings.js';
import { analyzeQuery } from '/work/main/src/text/terms.js';
import { stripInjection } from '/work/main/src/answer/injection.js';
import { detectLang } from '/work/main/src/text/lang.js';
import { containsAll } from '/work/main/src/cli/eval-scoring.js';
const config = loadConfig();
const db = await openDb(config);
await migrate(db);
const svc = createAnswerService({ db, config, log: cliLogger(config), rephraser: null });
await svc.prepare();
const index = svc.index();
const p = createPipeline({ index: () => index, embedQuery: async (s) => hashEmbed(s), dense: () => index.memorySearcher(), thresholds: DEFAULT_THRESHOLDS });
for (const file of process.argv.slice(2)) {
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
    const d = JSON.parse(line);
    if (d.kind !== 'fact' && d.kind !== 'out_of_scope') continue;
    const text = stripInjection(d.q).text;
    const q = analyzeQuery(text);
    const c = await index.retrieve(q, hashEmbed(text), index.memorySearcher());
    const r = rankAnswers(c, detectLang(text).lang, q);
    const b = r[0];
    const res = await p.answer(d.q);
    const ok = d.kind === 'fact' ? res.outcome === 'answered' && containsAll(d, res.answer) : res.outcome === 'out_of_scope';
    console.log([d.kind, ok ? 'OK' : 'XX', res.outcome, b ? b.conf.toFixed(2) : '-', b ? b.cand.grounded.toFixed(2) : '-', b ? b.cand.coverage.toFixed(2) : '-', d.id, d.q].join('\t'));
  }
}
await db.close();
