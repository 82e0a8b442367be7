// npx tsx bench/retrieval/explain.ts "question" — shows the routing features of one question:
// top candidates with BM25 / dense / coverage features and the confidence the router computed.
// A tuning aid for developers; uses the data directory like `ask` does.
import { openDb } from '../../src/db/open.js';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { cliLogger } from '../../src/answer/cli-support.js';
import { createAnswerService } from '../../src/answer/service.js';
import { confidenceOf, requiresSatisfied } from '../../src/answer/pipeline.js';
import { analyzeQuery } from '../../src/text/terms.js';
import { hashEmbed } from '../../src/retrieval/embeddings.js';
import { stripInjection } from '../../src/answer/injection.js';

const question = process.argv.slice(2).join(' ');
const config = loadConfig();
const db = await openDb(config);
try {
  await migrate(db);
  const svc = createAnswerService({ db, config, log: cliLogger(config) });
  await svc.prepare();
  const index = svc.index();
  const text = stripInjection(question, index.lex).text;
  const q = analyzeQuery(text, index.lex);
  const cands = await index.retrieve(q, hashEmbed(text), index.memorySearcher(), 15);
  const f = (x: number) => x.toFixed(2);
  for (const c of cands) {
    console.log(
      `${f(confidenceOf(c))} rrf=${(c.rrf * 100).toFixed(2)} bm25=${f(c.bm25)}#${c.bm25Rank ?? '-'} dense=${f(c.dense)}#${c.denseRank ?? '-'} cov=${f(c.coverage)} bi=${f(c.bigramCoverage)} ucov=${f(c.unitCoverage)} ${c.unit.role} ${c.unit.doc.id} :: ${c.unit.text.slice(0, 70).replace(/\n/g, ' ')}`,
    );
  }
  const folded = ` ${q.folded} `;
  for (const u of index.units) if (u.role === 'claim' && u.doc.meta.requires && requiresSatisfied(folded, u.doc.meta.requires)) console.log('requires ok:', u.doc.id, '::', u.text);
  const r = await svc.pipeline.answer(question);
  console.log(JSON.stringify({ outcome: r.outcome, confidence: r.confidence, sources: r.sources, answer: r.answer.slice(0, 200) }));
} finally {
  await db.close();
}
