// Loads and validates knowledge/_assistant/people-loop.yml: the disclosure line, the words of a
// deletion request, the message earlier askers get, and what each reaction means. Lookups are
// Maps, so a message such as "constructor" is only ever a word.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Lang } from '../answer/types.js';
import { fold, normalize } from '../text/normalize.js';
import type { Sentiment } from './loop-store.js';

const text = z.object({ vi: z.string().min(1), en: z.string().min(1) });

const schema = z.object({
  disclosure: text,
  ai_generated: text,
  delete_request: z.object({
    phrases: z.array(z.string().min(1)).min(1),
    confirm_phrases: z.array(z.string().min(1)).min(1),
    ask_confirm: text,
    done: text,
  }),
  asker_notice: z.object({ faq: text, correction: text }),
  reactions: z.record(z.string(), z.enum(['helpful', 'unhelpful', 'neutral'])),
});

export type LoopText = z.infer<typeof text>;

export interface LoopData {
  disclosure: LoopText;
  aiGenerated: LoopText;
  deleteRequest: { askConfirm: LoopText; done: LoopText };
  askerNotice: { faq: LoopText; correction: LoopText };
  /** Is the whole message a request to delete one's data? */
  isDeleteRequest(message: string): boolean;
  /** Is the whole message a yes to a pending confirmation? */
  isConfirmation(message: string): boolean;
  /** What a reaction icon means; 'unknown' for icons the file does not list. */
  sentimentOf(icon: string): Sentiment;
}

export const LOOP_DATA_FILE = path.join('_assistant', 'people-loop.yml');

/** Folded, punctuation-free form used to compare whole short messages with the listed phrases. */
export function phraseKey(s: string): string {
  return fold(normalize(s)).replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function parseLoopData(yamlText: string): LoopData {
  const d = schema.parse(parseYaml(yamlText));
  const deletes = new Set(d.delete_request.phrases.map(phraseKey));
  const confirms = new Set(d.delete_request.confirm_phrases.map(phraseKey));
  const reactions = new Map(Object.entries(d.reactions).map(([k, v]) => [k.trim().toLowerCase(), v as Sentiment]));
  return {
    disclosure: d.disclosure,
    aiGenerated: d.ai_generated,
    deleteRequest: { askConfirm: d.delete_request.ask_confirm, done: d.delete_request.done },
    askerNotice: d.asker_notice,
    isDeleteRequest: (m) => m.length <= 80 && deletes.has(phraseKey(m)),
    isConfirmation: (m) => m.length <= 40 && confirms.has(phraseKey(m)),
    sentimentOf: (icon) => reactions.get(icon.trim().toLowerCase()) ?? 'unknown',
  };
}

/** The repository's knowledge/ folder (two levels above this module in src/ and in dist/). */
const BUNDLED_KNOWLEDGE = fileURLToPath(new URL('../../knowledge/', import.meta.url));

/** The file from KNOWLEDGE_DIR, or the bundled one when that folder has none (a test's fixture knowledge). */
export async function loadLoopData(knowledgeDir: string): Promise<LoopData> {
  const own = path.join(knowledgeDir, LOOP_DATA_FILE);
  const file = await fs.access(own).then(() => own, () => path.join(BUNDLED_KNOWLEDGE, LOOP_DATA_FILE));
  return parseLoopData(await fs.readFile(file, 'utf8'));
}

/** Fill `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(values, k) ? String(values[k]) : m));
}

export function pick(t: LoopText, lang: Lang): string {
  return lang === 'en' ? t.en : t.vi;
}
