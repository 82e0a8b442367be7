// Step 1, normalise: the reply language (the message's own, a lone acronym or "ok" follows the
// conversation's) and an empty message.
import { detectLang } from '../../text/lang.js';
import { normalize } from '../../text/normalize.js';
import type { State, Step } from '../pipeline.js';

export const normaliseStep: Step<State> = {
  name: 'normalise',
  run(s) {
    const last = s.ctx.lastLang ?? s.conversation?.lang;
    s.lang = detectLang(s.question, last, s.lex).lang;
    if (normalize(s.question) === '' && !/[^\s\p{P}]/u.test(s.question)) {
      // nothing typed at all (whitespace): handled by smalltalk ("ack") or refused below
    }
    return { note: `lang=${s.lang}` };
  },
};
