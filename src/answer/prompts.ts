// Prompt templates live in prompts/*.md (one per language), so staff and reviewers can read them
// without reading code. Loaded once and checked for the variables the composer fills in.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptTemplate } from '@langchain/core/prompts';
import type { Lang } from './types.js';

export const PROMPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts');
const REQUIRED = ['passages', 'question', 'draft'];

export async function loadAnswerPrompt(lang: Lang, dir = PROMPTS_DIR): Promise<PromptTemplate> {
  const file = path.join(dir, `answer.${lang}.md`);
  const template = fs.readFileSync(file, 'utf8');
  const prompt = PromptTemplate.fromTemplate(template);
  const missing = REQUIRED.filter((v) => !prompt.inputVariables.includes(v));
  if (missing.length) throw new Error(`${file}: missing {${missing.join('}, {')}}`);
  return prompt;
}
