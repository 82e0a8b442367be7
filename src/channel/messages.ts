// What the channel itself says (not the answer pipeline): welcome, a note for non-text messages,
// the rate-limit notice, the long-message line. The words live in reviewed data
// (knowledge/_assistant/channel-messages.yml, two folders above this module in src/ and dist/);
// this module only loads and validates them once. Vietnamese first; English when the user wrote English.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Lang } from '../answer/types.js';

const FILE = fileURLToPath(new URL('../../knowledge/_assistant/channel-messages.yml', import.meta.url));
const byLang = z.object({ vi: z.string().min(1), en: z.string().min(1) });
const MESSAGES = z
  .object({ welcome: z.string().min(1), non_text: byLang, rate_limit: byLang, truncated: byLang.refine((t) => t.vi.includes('{n}') && t.en.includes('{n}'), 'truncated needs {n}') })
  .parse(parseYaml(fs.readFileSync(FILE, 'utf8')));

export const WELCOME_TEXT: string = MESSAGES.welcome;

export const nonTextNote = (lang: Lang | null | undefined): string => MESSAGES.non_text[lang ?? 'vi'];
export const rateLimitNotice = (lang: Lang | null | undefined): string => MESSAGES.rate_limit[lang ?? 'vi'];

/** Appended to the answer when only the first `limit` characters of a message were answered. */
export const truncatedNote = (lang: Lang | null | undefined, limit: number): string =>
  MESSAGES.truncated[lang ?? 'vi'].replace('{n}', lang === 'en' ? limit.toLocaleString('en-US') : limit.toLocaleString('en-US').replace(/,/g, '.'));
