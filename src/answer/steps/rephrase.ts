// Step 9, rephrase (optional): an LLM may rephrase the extractive draft using only the passages it
// came from; its output is checked against them (src/answer/llm-composer.ts) and any failure keeps
// the extractive draft. Never for messages that carried instructions.
import type { State, Step } from '../pipeline.js';

export const rephraseStep: Step<State> = {
  name: 'rephrase',
  async run(s) {
    const d = s.draft;
    const rephraser = s.deps.rephraser;
    if (!rephraser || !d || d.outcome !== 'answered' || s.injected || d.menu || !d.passages?.length) return { note: 'skipped' };
    const better = await rephraser.rephrase({ question: s.text, lang: s.lang, draft: d.text, passages: d.passages }).catch(() => null);
    if (!better) return { note: 'kept extractive' };
    d.text = better;
    return { note: 'rephrased' };
  },
};
