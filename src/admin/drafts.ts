// Markdown drafts in the knowledge format (knowledge/README.md) started from an emerging
// group of unanswered questions: front matter filled from what citizens asked, body left for
// the editor. `checkDraft` refuses a draft that still has the placeholder or misses a field.
import YAML from 'yaml';
import type { EmergingTopic } from './sources.js';
import { TOPICS } from './labels.js';

export type DraftKind = 'faq' | 'misconception';
export const DRAFT_PLACEHOLDER = '(VIẾT NỘI DUNG Ở ĐÂY)';

/** Lower-case ASCII slug: diacritics folded, đ → d, other characters → '-'. */
export function slugify(s: string, max = 50): string {
  const folded = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  const slug = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'chu-de';
}

export function buildDraft(group: Pick<EmergingTopic, 'label' | 'examples'>, kind: DraftKind, today: string): string {
  const phrasings = [...new Set([group.label, ...group.examples].map((s) => s.trim()).filter(Boolean))].slice(0, 12);
  const id = `${kind === 'faq' ? 'faq' : 'mis'}-${slugify(group.label)}`;
  const front: Record<string, unknown> = {
    id,
    kind,
    title: group.label,
    ...(kind === 'misconception' ? { claim: group.label } : {}),
    topic: 'commune',
    lang: 'vi',
    source: '',
    source_url: '',
    updated: today,
    reviewed_by: '',
    ...(kind === 'faq' ? { questions: phrasings } : { claims: phrasings }),
  };
  const guide =
    kind === 'faq'
      ? '# Hướng dẫn: chọn topic (commune, tourism, border, sea, human_rights, events, plan), ghi source, rồi viết câu trả lời 1–4 câu bên dưới.'
      : '# Hướng dẫn: chọn topic, ghi source, sửa claim cho gọn, rồi viết lời đính chính (nêu sự thật và nguồn) bên dưới.';
  return `---\n${guide}\n${YAML.stringify(front, { lineWidth: 0 })}---\n${DRAFT_PLACEHOLDER}\n`;
}

export interface CheckedDraft {
  id: string;
  fileName: string;
}

/** Validates an edited draft before it becomes a knowledge document; throws a Vietnamese message. */
export function checkDraft(markdown: string): CheckedDraft {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(markdown.replace(/^\uFEFF/, ''));
  if (!m) throw new Error('Bản nháp phải bắt đầu bằng phần khai báo giữa hai dòng ---.');
  let front: Record<string, unknown>;
  try {
    front = (YAML.parse(m[1]!) ?? {}) as Record<string, unknown>;
  } catch {
    throw new Error('Phần khai báo (front matter) không đúng cú pháp YAML.');
  }
  const body = m[2]!.trim();
  const id = String(front.id ?? '');
  if (!/^[a-z0-9][a-z0-9-]{1,80}$/.test(id)) throw new Error('Trường id phải là chữ thường không dấu, nối bằng dấu -.');
  if (!String(front.title ?? '').trim()) throw new Error('Thiếu tiêu đề (title).');
  if (!TOPICS.includes(String(front.topic))) throw new Error(`Chủ đề (topic) phải là một trong: ${TOPICS.join(', ')}.`);
  if (!['vi', 'en'].includes(String(front.lang))) throw new Error('Ngôn ngữ (lang) phải là vi hoặc en.');
  if (!String(front.source ?? '').trim()) throw new Error('Thiếu nguồn (source): người dân cần kiểm tra được.');
  if (!body || body.includes(DRAFT_PLACEHOLDER)) throw new Error('Hãy viết nội dung thay cho dòng hướng dẫn trước khi lưu.');
  return { id, fileName: `${id}.md` };
}
