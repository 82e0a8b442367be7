// Step 10, finish: the source line, the voice rules (no bare "Không."/"Có." opening a reply to a
// question that was not yes/no), and the conversation memory for the next message.
import { sourceLine, withSource } from '../compose.js';
import type { Conversation, State, Step } from '../pipeline.js';
import type { SourceRef } from '../types.js';

const BARE_YES_NO = /^\s*(Không|Có|No|Yes)[.,!]\s+/u;

export const finishStep: Step<State> = {
  name: 'finish',
  run(s) {
    const d = s.draft!;
    let text = d.text;
    const yesno = s.parts.length === 1 && s.parts[0]!.type?.type === 'yesno';
    if (d.outcome === 'answered' && !yesno && BARE_YES_NO.test(text)) {
      text = text.replace(BARE_YES_NO, '');
      text = text.charAt(0).toUpperCase() + text.slice(1);
    }
    if (d.sources.length && !d.sourced) {
      text = d.sources.length === 1 ? withSource(text, d.sources[0]!, s.lang) : `${text.trim()}\n\n${sources(d.sources.map((x) => sourceLine(x, s.lang)), s.lang)}`;
    }
    const sourceRefs: SourceRef[] = d.sources.map((x) => ({ id: x.id, title: x.title }));
    const part = s.parts[0];
    const keep = d.outcome === 'smalltalk';
    const entities = part ? part.entities.map((e) => e.id) : [];
    const conversation: Conversation | null = keep
      ? s.conversation
      : {
          v: 1,
          question: part ? part.asked : s.text,
          entities: entities.length ? entities : d.outcome === 'answered' ? [] : (s.conversation?.entities ?? []),
          topic: d.topic ?? s.conversation?.topic ?? null,
          lang: s.lang,
          menu: d.menu ?? null,
          at: s.now.toISOString(),
        };
    s.result = {
      answer: text,
      outcome: d.outcome,
      lang: s.lang,
      sources: sourceRefs,
      misconception: d.misconception,
      ...(d.rumour ? { rumour: true } : {}),
      confidence: d.confidence,
      topic: d.topic,
      retrieved: s.retrieved,
      trace: s.trace,
      conversation: conversation ? { ...conversation } : null,
    };
    return { note: `${d.outcome}${d.rumour ? ' (rumour)' : ''}` };
  },
};

/** "Nguồn: A" + "Nguồn: B" → "Nguồn: A; B". */
function sources(lines: string[], lang: 'vi' | 'en'): string {
  const prefix = lang === 'en' ? 'Source: ' : 'Nguồn: ';
  // two entries often cite the same text among others ("A; B" and "A; C"): each source once
  return prefix + [...new Set(lines.flatMap((l) => l.replace(/^(Nguồn|Source): /, '').split(/;\s+/)))].join('; ');
}
