// npm run chat: a console conversation with the assistant, through the same answer pipeline as
// the Zalo worker, for staff and developers without Zalo. Each answer is shown as the messages
// Zalo would receive (split at 2,000 characters), with outcome, language and sources. The
// conversation's language is carried over for short messages, as on Zalo. Nothing is logged
// to the question log (test conversations would distort the statistics).
import readline from 'node:readline/promises';
import { openAnswerService } from '../answer/cli-support.js';
import type { ConversationState, Lang } from '../answer/types.js';
import { splitMessage } from '../channel/splitter.js';
import { detectLang } from '../text/lang.js';
import { openAnswerPipeline } from './support.js';

const opened = await openAnswerPipeline(async ({ config, db }) => (await openAnswerService(config, db)).pipeline);
try {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const interactive = Boolean(process.stdin.isTTY);
  if (interactive) console.log('Trợ lý xã Châu Tiến — gõ câu hỏi, Enter để gửi; /thoat (hoặc Ctrl+D) để dừng.\n');
  let lastLang: Lang | undefined;
  // follow-ups and clarification menus, as the Zalo worker keeps them per user
  let conversation: ConversationState | null = null;
  const prompt = () => (interactive ? rl.prompt() : undefined);
  rl.setPrompt('bạn> ');
  prompt();
  for await (const line of rl) {
    const q = line.trim();
    if (q === '/thoat' || q === '/quit' || q === '/exit') break;
    if (!q) {
      prompt();
      continue;
    }
    const r = await opened.pipeline.answer(q, { ...(lastLang ? { lastLang } : {}), conversation });
    conversation = r.conversation ?? null;
    const guess = detectLang(q, lastLang);
    if (guess.confident) lastLang = guess.lang;
    const parts = splitMessage(r.answer);
    parts.forEach((p, i) => console.log(`\nbot${parts.length > 1 ? ` [${i + 1}/${parts.length}]` : ''}> ${p}`));
    const sources = r.sources.map((s) => s.title).join('; ');
    console.log(
      `   (${r.outcome}, ${r.lang}, độ tin cậy ${r.confidence.toFixed(2)}${r.misconception ? `, ngộ nhận ${r.misconception.id}` : ''}${sources ? `, nguồn: ${sources}` : ''}, ${r.latencyMs} ms)\n`,
    );
    prompt();
  }
  rl.close();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await opened.close();
}
