// Step 2, smalltalk: greetings, thanks, goodbyes, "ok", "are you a bot?" and insults get a short
// reply in the assistant's one voice (replies.yml). The conversation memory is kept as it was.
import { detectSmalltalk, smalltalkReply } from '../smalltalk.js';
import type { State, Step } from '../pipeline.js';

export const smalltalkStep: Step<State> = {
  name: 'smalltalk',
  run(s) {
    const kind = detectSmalltalk(s.question, s.lex);
    if (!kind) return;
    return {
      final: { text: smalltalkReply(kind, s.lang, s.lex), outcome: 'smalltalk', sources: [], misconception: null, confidence: 1, topic: null },
      note: kind,
    };
  },
};
