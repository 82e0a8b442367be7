// Step 8, compose: the verified sentences become the part's answer. Curated text that says the
// fact is not published is sent as it is (it is the answer: "not published, ask X"), with where to
// ask; a table line about the asked year that says it is not published likewise.
import { asksAboutFormer, firstSentence, notPublished, hasMoreThanFirstSentence, notPublishedForCurrent, notPublishedSentence, saysNotPublished } from '../compose.js';
import { sentences } from '../../knowledge/chunk.js';
import { round, type PartState, type Step } from '../pipeline.js';
import { refusalText, routeFor } from '../refusal.js';
import { numbersIn } from './select.js';

export const composeStep: Step<PartState> = {
  name: 'compose',
  run(part, s) {
    const chosen = part.chosen;
    if (!chosen) return;
    const doc = chosen.cand.unit.doc;
    const lex = s.lex;
    const text = chosen.text;
    const curatedRefusal = (explanation: string, note: string) => {
      const route = routeFor(lex, null, doc.topic, part.text);
      const mentionsWhere = /liên hệ|hỏi tại|contact|ask at/i.test(explanation);
      const out = mentionsWhere ? explanation.trim() : refusalText(lex, s.lang, route, explanation);
      return { final: { text: out, outcome: 'out_of_scope' as const, sources: [], misconception: null, confidence: round(chosen.conf), topic: doc.topic }, note };
    };
    if (doc.kind !== 'faq') {
      const unpublished = notPublishedSentence(text, numbersIn(part.q.folded), lex);
      if (unpublished && !(s.lang === 'en' && chosen.foreign)) return curatedRefusal(unpublished, 'the passage says the asked year is not published');
    }
    // "not published" curated answers: all of it is sent; the former commune's figures that often
    // follow answer questions about the former commune ("cũ", "trước sáp nhập")
    if (saysNotPublished(text, lex) && !(asksAboutFormer(part.q.normalized, lex) && hasMoreThanFirstSentence(text))) {
      return curatedRefusal(doc.kind === 'faq' ? notPublishedPart(text, lex) : firstSentence(text), 'curated: not published');
    }
    const unknownToday = doc.kind === 'faq' ? notPublishedForCurrent(part.q.normalized, text, lex) : null;
    if (unknownToday) return curatedRefusal(unknownToday, 'curated: not published for today’s commune');
    const r = lex.data.replies[s.lang];
    let answer = text.trim();
    if (chosen.foreign && r.en_note) answer = `${answer}\n${r.en_note}`;
    if (part.year !== null) answer = `${answer}\n${r.year_note.replace('{year}', String(part.year))}`;
    return {
      final: { text: answer, outcome: 'answered', sources: [doc], misconception: null, confidence: round(chosen.conf), topic: doc.topic, passages: [text] },
      note: doc.id,
    };
  },
};

/**
 * The curated sentences that say the fact is not published and where to ask, without the
 * figures of the former commune that often follow (they answer another question).
 */
function notPublishedPart(text: string, lex: Parameters<typeof notPublished>[1]): string {
  const kept = sentences(text.replace(/\n+/g, ' ')).filter((x) => notPublished(x, lex) || /liên hệ|\bhỏi\b|contact|\bask\b/i.test(x));
  return kept.length ? kept.join(' ') : firstSentence(text);
}
