// Optional LLM composer (LLM_PROVIDER=openai|ollama). It may only rephrase the extractive draft
// using the retrieved passages. Every reply is checked: any number, date or capitalised name that
// is not in the passages (or the draft), or a long phrase copied from the question that the
// passages do not contain, rejects it. On rejection, error or timeout the extractive answer goes out.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { PromptTemplate } from '@langchain/core/prompts';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { fold, joinDigitGroups, normalize } from '../text/normalize.js';
import type { Rephraser } from './pipeline.js';
import type { Lang } from './types.js';

export interface LlmRephraserDeps {
  model: BaseChatModel;
  timeoutMs: number;
  log?: Logger;
  prompts?: Partial<Record<Lang, PromptTemplate>>;
}

const MAX_ANSWER_CHARS = 1200;

/** Numbers and dates ("2.337", "16/6/2025", "1977") as digit strings. */
function numbers(text: string): string[] {
  return (joinDigitGroups(text).match(/\d+(?:[/.,-]\d+)*/g) ?? []).map((n) => n.replace(/[.,]$/, ''));
}

/** Capitalised words that are not sentence-initial: names of people, places, organisations. */
function names(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/(?<=[.!?:;\n])\s+/)) {
    const tokens = sentence.split(/\s+/).filter(Boolean);
    tokens.forEach((tok, i) => {
      const w = tok.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      if (i > 0 && /^\p{Lu}/u.test(w) && w.length > 1) out.push(w);
    });
  }
  return out;
}

const folded = (s: string) => ` ${fold(normalize(s))} `;

/** Null when the LLM text is grounded; otherwise the reason it is rejected. */
export function checkGrounded(answer: string, evidence: string[], question: string): string | null {
  const ev = folded(evidence.join('\n'));
  const evDigits = ' ' + numbers(evidence.join('\n')).map((n) => n.replace(/\D+/g, ' ')).join(' ') + ' ';
  for (const n of numbers(answer)) {
    const parts = n.split(/\D+/).filter(Boolean);
    if (!parts.every((p) => evDigits.includes(` ${p} `) || ev.includes(` ${p} `))) return `number "${n}" is not in the passages`;
  }
  for (const name of names(answer)) if (!ev.includes(` ${fold(normalize(name))} `)) return `name "${name}" is not in the passages`;
  // an injected statement: four or more consecutive words of the question that the passages lack
  const qWords = folded(question).trim().split(' ');
  const a = folded(answer);
  for (let i = 0; i + 4 <= qWords.length; i++) {
    const gram = ' ' + qWords.slice(i, i + 4).join(' ') + ' ';
    if (a.includes(gram) && !ev.includes(gram)) return 'repeats words of the question that the passages do not support';
  }
  return null;
}

export function createLlmRephraser(deps: LlmRephraserDeps): Rephraser {
  const prompts: Partial<Record<Lang, PromptTemplate>> = { ...deps.prompts };
  return {
    async rephrase({ question, lang, draft, passages }) {
      try {
        // loaded on first use: @langchain/core/prompts costs ~25 MB per thread, and the default
        // (no LLM) never needs it
        const { loadAnswerPrompt } = await import('./prompts.js');
        prompts[lang] ??= await loadAnswerPrompt(lang);
        const text = await prompts[lang]!.format({
          passages: passages.map((p, i) => `<doc id="${i + 1}">\n${p}\n</doc>`).join('\n'),
          question,
          draft,
        });
        // abort the request, and stop waiting even if a model ignores the signal
        const controller = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>((resolve) => {
          timer = setTimeout(() => {
            controller.abort();
            resolve(null);
          }, deps.timeoutMs);
        });
        let content: unknown;
        try {
          const msg = await Promise.race([deps.model.invoke(text, { signal: controller.signal }), timeout]);
          if (!msg) {
            deps.log?.warn({ timeoutMs: deps.timeoutMs }, 'LLM composer timed out; extractive answer kept');
            return null;
          }
          content = msg.content;
        } finally {
          clearTimeout(timer);
        }
        const out = typeof content === 'string' ? content.trim() : '';
        if (!out || out.length > MAX_ANSWER_CHARS) return null;
        const problem = checkGrounded(out, [...passages, draft], question);
        if (problem) {
          deps.log?.info({ reason: problem }, 'LLM answer rejected; extractive answer kept');
          return null;
        }
        return out;
      } catch (err) {
        deps.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'LLM composer failed; extractive answer kept');
        return null;
      }
    },
  };
}

/** The configured LLM composer, or null for the default extractive composer. */
export function createRephraser(config: Config, log: Logger): Rephraser | null {
  if (config.LLM_PROVIDER === 'none') return null;
  let model: BaseChatModel | null = null;
  const lazy: Rephraser = {
    async rephrase(input) {
      if (!model) {
        if (config.LLM_PROVIDER === 'openai') {
          const { ChatOpenAI } = await import('@langchain/openai');
          model = new ChatOpenAI({
            model: config.LLM_MODEL ?? 'gpt-4o-mini',
            apiKey: config.LLM_API_KEY ?? 'unset',
            temperature: 0,
            maxRetries: 0,
            configuration: config.LLM_BASE_URL ? { baseURL: config.LLM_BASE_URL } : undefined,
          });
        } else {
          const { ChatOllama } = await import('@langchain/ollama');
          model = new ChatOllama({ model: config.LLM_MODEL ?? 'qwen2.5:7b', baseUrl: config.LLM_BASE_URL ?? 'http://127.0.0.1:11434', temperature: 0 });
        }
      }
      return createLlmRephraser({ model, timeoutMs: config.LLM_TIMEOUT_MS, log }).rephrase(input);
    },
  };
  return lazy;
}
