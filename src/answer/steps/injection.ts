// Step 3, injection: sentences that instruct the assistant are dropped; only what is genuinely
// asked is answered. With nothing left (or only smalltalk), a polite "what would you like to know".
import { stripInjection } from '../injection.js';
import { detectSmalltalk } from '../smalltalk.js';
import { refusalText, routeFor } from '../refusal.js';
import type { State, Step } from '../pipeline.js';
import { words, normalize } from '../../text/normalize.js';

export const injectionStep: Step<State> = {
  name: 'injection',
  run(s) {
    const stripped = stripInjection(s.question, s.lex);
    s.injected = stripped.injected;
    s.text = stripped.text;
    const empty = words(normalize(s.text)).length === 0;
    if (empty || (stripped.injected && detectSmalltalk(s.text, s.lex))) {
      const text = empty && !stripped.injected
        ? s.lex.data.replies[s.lang].nothing_asked.replace('{topics}', s.lex.data.replies[s.lang].topics)
        : refusalText(s.lex, s.lang, routeFor(s.lex, null, null));
      return { final: { text, outcome: 'out_of_scope', sources: [], misconception: null, confidence: 0, topic: null }, note: stripped.injected ? 'instructions only' : 'nothing asked' };
    }
    return stripped.injected ? { note: 'instruction sentences dropped' } : undefined;
  },
};
