// File → ParsedDocument. Markdown with YAML front matter (the curated format of knowledge/README.md),
// plain text, Word (.docx, mammoth) and PDF (unpdf). Files without front matter get an id from their
// path, a title from their first line, and the topic of their folder when it names one.
//
// Hostile files (issue 16, M5/L8/L9): every file is checked against its extension by its first bytes;
// a .docx is inspected before mammoth touches it (entry count, inflated sizes with a hard cap, and
// paragraph count), mammoth runs once, and a document may not yield more than MAX_PASSAGES passages.
// Uploads go through loadUpload (normally inside the parse worker, src/knowledge/parse-worker.ts),
// which also drops `reviewed_by` (reviews come only from the audited review action) and reports
// rejections in Vietnamese for staff.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { markdownSections, passages, plainTextSections, type Section } from './chunk.js';
import { KnowledgeFileError, TOPICS, type DocKind, type KnowledgeUnit, type ParsedDocument } from './types.js';
import { countOccurrences, DOCX_LIMITS, inspectZip, ZipRejected } from './zip-guard.js';

/** Word paragraphs in one .docx (a real 200-page document has a few thousand). */
export const MAX_DOCX_PARAGRAPHS = 20_000;
/** PDF pages. */
export const MAX_PDF_PAGES = 1000;
/** Characters of text extracted from one file. */
export const MAX_TEXT_CHARS = 5_000_000;
/** Retrieval passages from one document (≈ 3 MB of text). */
export const MAX_PASSAGES = 5000;

export type RejectReason = 'type-mismatch' | 'not-text' | 'too-large' | 'too-many-paragraphs' | 'unreadable' | 'empty' | 'unsupported';

/** Why a file was refused, in Vietnamese for the staff who uploaded it. */
export const REJECT_MESSAGES: Record<RejectReason, (name: string, detail: string) => string> = {
  'type-mismatch': (n, d) => `Tệp ${n} không đúng định dạng: nội dung không phải ${d} như phần mở rộng của tên tệp. Hãy lưu lại đúng định dạng rồi tải lên lại.`,
  'not-text': (n) => `Tệp ${n} không phải văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hóa khác). Hãy lưu lại dạng văn bản UTF-8 rồi tải lên lại.`,
  'too-large': (n) => `Tệp ${n} quá lớn khi giải nén hoặc có quá nhiều nội dung để đưa vào tri thức. Hãy chia nhỏ tài liệu rồi tải lên từng phần.`,
  'too-many-paragraphs': (n, d) => `Tệp ${n} có quá nhiều đoạn văn (${d}). Hãy chia nhỏ tài liệu rồi tải lên từng phần.`,
  unreadable: (n, d) => `Không đọc được tệp ${n}${d ? ` (${d})` : ''}. Hãy kiểm tra tệp có mở được bằng Word hoặc trình đọc PDF không.`,
  empty: (n) => `Tệp ${n} không có chữ để đưa vào tri thức (tệp PDF quét ảnh cần nhận dạng chữ trước).`,
  unsupported: (n) => `Chỉ nhận tệp ${SUPPORTED_EXTENSIONS.join(', ')} (tệp: ${n}).`,
};

const ENGLISH: Record<RejectReason, (detail: string) => string> = {
  'type-mismatch': (d) => `cannot be read (the content is not ${d}, as its extension says)`,
  'not-text': (d) => `cannot be read (not UTF-8 text: ${d})`,
  'too-large': (d) => `is too large to index (${d})`,
  'too-many-paragraphs': (d) => `has too many paragraphs (${d})`,
  unreadable: (d) => `cannot be read (${d})`,
  empty: (d) => `no text could be extracted (${d})`,
  unsupported: (d) => d,
};

/** A file refused by the checks above; `vi` says why, for staff. */
export class FileRejectedError extends KnowledgeFileError {
  readonly vi: string;
  constructor(file: string, readonly reason: RejectReason, detail: string, vi?: string) {
    super(file, ENGLISH[reason](detail));
    this.name = 'FileRejectedError';
    this.vi = vi ?? REJECT_MESSAGES[reason](path.basename(file), detail);
  }
}

const MAGIC: Record<string, { bytes: Buffer; label: string }> = {
  '.docx': { bytes: Buffer.from('PK\x03\x04', 'latin1'), label: 'Word (.docx)' },
  '.pdf': { bytes: Buffer.from('%PDF-', 'latin1'), label: 'PDF' },
};
/** First bytes of binary formats that must never pass as text. */
const BINARY_MAGIC = ['PK\x03\x04', '%PDF-', '\x89PNG', 'GIF8', '\xff\xd8\xff', '\x7fELF', 'MZ'].map((m) => Buffer.from(m, 'latin1'));
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Checks content against the extension by magic bytes (text: valid UTF-8, no NUL, no binary header). */
export function checkContentType(relPath: string, bytes: Buffer): void {
  const ext = path.extname(relPath).toLowerCase();
  const magic = MAGIC[ext];
  if (magic) {
    // PDF allows junk before the header within the first 1024 bytes
    const at = bytes.subarray(0, ext === '.pdf' ? 1024 : magic.bytes.length).indexOf(magic.bytes);
    if (at < 0 || (ext === '.docx' && at !== 0)) throw new FileRejectedError(relPath, 'type-mismatch', magic.label);
    return;
  }
  if (BINARY_MAGIC.some((m) => bytes.subarray(0, m.length).equals(m))) throw new FileRejectedError(relPath, 'type-mismatch', 'văn bản');
  if (bytes.includes(0)) throw new FileRejectedError(relPath, 'not-text', 'NUL byte');
  try {
    UTF8.decode(bytes);
  } catch {
    throw new FileRejectedError(relPath, 'not-text', 'invalid UTF-8');
  }
}

export const SUPPORTED_EXTENSIONS = ['.md', '.markdown', '.txt', '.docx', '.pdf'] as const;

export function isSupported(file: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

const text = z.preprocess((v) => (v === null || v === undefined ? undefined : typeof v === 'string' ? v : String(v)), z.string().optional());
const stringList = z.array(z.preprocess((v) => (typeof v === 'string' ? v : String(v)), z.string())).optional();

const FrontMatterSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id must be lower-case letters, digits, "-", "_" or "."'),
  kind: z.enum(['doc', 'faq', 'misconception']).default('doc'),
  title: z.preprocess((v) => (v === null || v === undefined ? v : String(v)), z.string().min(1)),
  topic: z.string().min(1),
  lang: z.enum(['vi', 'en']),
  source: text,
  source_url: text,
  updated: text,
  reviewed_by: text,
  questions: stringList,
  answer_en: text,
  claim: text,
  claims: stringList,
  requires: z.array(z.union([z.array(z.preprocess((v) => String(v), z.string())), z.string()])).optional(),
  correction_en: text,
});

/** Splits "---\nyaml\n---\nbody". */
export function splitFrontMatter(content: string): { yaml: string | null; body: string } {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(content);
  if (!m) return { yaml: null, body: content.replace(/^\uFEFF/, '') };
  return { yaml: m[1]!, body: content.slice(m[0].length) };
}

/** A stable id for files without front matter: "file-<folder>-<name>" in lower-case ASCII. */
export function idFromPath(relPath: string): string {
  const base = relPath
    .replace(/\.[^.]+$/, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `file-${base || 'untitled'}`.slice(0, 120);
}

function topicFromPath(relPath: string): string {
  for (const part of relPath.split(/[\\/]/)) if ((TOPICS as readonly string[]).includes(part)) return part;
  return 'commune';
}

function passageUnits(relPath: string, sections: Section[], lang: 'vi' | 'en'): KnowledgeUnit[] {
  const ps = passages(sections);
  if (ps.length > MAX_PASSAGES) throw new FileRejectedError(relPath, 'too-large', `${ps.length} passages`);
  return ps.map((p, i) => ({ role: 'passage', ord: i, section: p.section, lang, text: p.text }));
}

/** Parses one file's bytes. `relPath` is how the file is named to people (and in errors). */
export async function loadFile(relPath: string, bytes: Buffer): Promise<ParsedDocument> {
  const ext = path.extname(relPath).toLowerCase();
  try {
    if (isSupported(relPath)) checkContentType(relPath, bytes);
    if (ext === '.md' || ext === '.markdown') return loadMarkdown(relPath, bytes.toString('utf8'));
    if (ext === '.txt') return loadPlain(relPath, bytes.toString('utf8').replace(/^\uFEFF/, ''));
    if (ext === '.docx') return await loadDocx(relPath, bytes);
    if (ext === '.pdf') {
      const { extractText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(bytes));
      if (pdf.numPages > MAX_PDF_PAGES) throw new FileRejectedError(relPath, 'too-large', `${pdf.numPages} pages`);
      const r = await extractText(pdf, { mergePages: true });
      const text = Array.isArray(r.text) ? r.text.join('\n\n') : r.text;
      if (text.length > MAX_TEXT_CHARS) throw new FileRejectedError(relPath, 'too-large', `${text.length} characters`);
      return loadPlain(relPath, text);
    }
  } catch (err) {
    if (err instanceof KnowledgeFileError) throw err;
    throw new KnowledgeFileError(relPath, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  throw new FileRejectedError(relPath, 'unsupported', `unsupported file type "${ext}" (use ${SUPPORTED_EXTENSIONS.join(', ')})`);
}

/**
 * An uploaded (untrusted) file → ParsedDocument: loadFile's checks, and `reviewed_by` from the file
 * is dropped (a review is recorded only by the audited review action, never by front matter).
 * Failures are FileRejectedError with a Vietnamese `vi` message for staff. Run it in the parse
 * worker (parseUntrusted) so a hostile file cannot block the service or exhaust its memory.
 */
export async function loadUpload(relPath: string, bytes: Buffer): Promise<ParsedDocument> {
  let doc: ParsedDocument;
  try {
    if (bytes.length === 0) throw new FileRejectedError(relPath, 'empty', 'empty file');
    doc = await loadFile(relPath, bytes);
  } catch (err) {
    if (err instanceof FileRejectedError) throw err;
    const detail = err instanceof KnowledgeFileError ? err.message.slice(err.file.length + 2) : String(err);
    const empty = /^no text could be extracted/.test(detail);
    throw new FileRejectedError(relPath, empty ? 'empty' : 'unreadable', detail.slice(0, 300));
  }
  return { ...doc, reviewedBy: null };
}

function loadMarkdown(relPath: string, content: string): ParsedDocument {
  if (content.length > MAX_TEXT_CHARS) throw new FileRejectedError(relPath, 'too-large', `${content.length} characters`);
  const { yaml, body } = splitFrontMatter(content);
  if (yaml === null) {
    const sections = markdownSections(body);
    const title = sections.find((s) => s.heading)?.heading ?? path.basename(relPath).replace(/\.[^.]+$/, '');
    return plainDocument(relPath, title, sections, body.trim());
  }
  let raw: unknown;
  try {
    raw = parseYaml(yaml);
  } catch (err) {
    throw new KnowledgeFileError(relPath, `front matter is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const parsed = FrontMatterSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'front matter'}: ${i.message}`).join('; ');
    throw new KnowledgeFileError(relPath, `front matter: ${issues}`);
  }
  const fm = parsed.data;
  const kind: DocKind = fm.kind;
  const lang = fm.lang;
  const sections = markdownSections(body);
  const plainBody = sections
    .map((s) => s.blocks.join('\n'))
    .join('\n')
    .trim();
  const units: KnowledgeUnit[] = [];
  if (kind === 'faq') {
    const questions = uniqueStrings([fm.title, ...(fm.questions ?? [])]);
    if ((fm.questions ?? []).length === 0) throw new KnowledgeFileError(relPath, 'a faq needs "questions:" (its phrasings)');
    if (!plainBody) throw new KnowledgeFileError(relPath, 'a faq needs an answer in its body');
    questions.forEach((q, i) => units.push({ role: 'question', ord: i, section: null, lang: guessPhrasingLang(q, lang), text: q }));
    units.push({ role: 'answer', ord: 0, section: null, lang, text: plainBody });
    if (fm.answer_en) units.push({ role: 'answer', ord: 1, section: null, lang: 'en', text: fm.answer_en.trim() });
  } else if (kind === 'misconception') {
    const claims = uniqueStrings([...(fm.claim ? [fm.claim] : []), ...(fm.claims ?? [])]);
    if (claims.length === 0) throw new KnowledgeFileError(relPath, 'a misconception needs "claims:" (phrasings of the false claim)');
    if (!plainBody) throw new KnowledgeFileError(relPath, 'a misconception needs a correction in its body');
    claims.forEach((c, i) => units.push({ role: 'claim', ord: i, section: null, lang: guessPhrasingLang(c, lang), text: c }));
  } else {
    units.push(...passageUnits(relPath, sections, lang));
  }
  const requires = fm.requires?.map((g) => (Array.isArray(g) ? g : [g]).map((x) => x.trim()).filter(Boolean)).filter((g) => g.length > 0);
  return {
    id: fm.id,
    kind,
    title: fm.title.trim(),
    topic: fm.topic,
    lang,
    source: (fm.source ?? '').trim(),
    sourceUrl: fm.source_url?.trim() || null,
    updated: fm.updated?.trim() || null,
    reviewedBy: fm.reviewed_by?.trim() || null,
    body: kind === 'doc' ? body.trim() : plainBody,
    meta: {
      ...(fm.answer_en ? { answerEn: fm.answer_en.trim() } : {}),
      ...(fm.correction_en ? { correctionEn: fm.correction_en.trim() } : {}),
      ...(fm.claim ? { claim: fm.claim.trim() } : {}),
      ...(requires && requires.length ? { requires } : {}),
    },
    units,
  };
}

/**
 * Word: paragraphs in a "Heading 1–6" style start sections; the text between them is split like plain
 * text. (Raw text alone glued a heading without a full stop onto the paragraph after it.)
 */
async function loadDocx(relPath: string, bytes: Buffer): Promise<ParsedDocument> {
  let docXml: Buffer | undefined;
  try {
    docXml = inspectZip(bytes, DOCX_LIMITS, new Set(['word/document.xml'])).find((e) => e.name === 'word/document.xml')?.data;
  } catch (err) {
    if (err instanceof ZipRejected) {
      if (err.reason === 'not-zip' || err.reason === 'unsupported') throw new FileRejectedError(relPath, 'unreadable', err.message);
      throw new FileRejectedError(relPath, 'too-large', err.message);
    }
    throw err;
  }
  if (!docXml) throw new FileRejectedError(relPath, 'type-mismatch', 'Word (.docx)');
  const xml = docXml.toString('utf8');
  const paragraphs = countOccurrences(xml, '<w:p>') + countOccurrences(xml, '<w:p ') + countOccurrences(xml, '<w:p/>');
  if (paragraphs > MAX_DOCX_PARAGRAPHS) throw new FileRejectedError(relPath, 'too-many-paragraphs', `${paragraphs} > ${MAX_DOCX_PARAGRAPHS}`);
  const mammoth = await import('mammoth');
  // One mammoth pass: the HTML gives both the text (one line per block) and which lines are headings.
  const html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  const headings = new Set([...html.matchAll(/<h[1-6]\b[^<>]*>([\s\S]*?)<\/h[1-6]>/g)].map((m) => htmlText(m[1]!)).filter(Boolean));
  const raw = htmlBlocksToText(html);
  if (raw.length > MAX_TEXT_CHARS) throw new FileRejectedError(relPath, 'too-large', `${raw.length} characters`);
  const sections: Section[] = [];
  let heading: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    const parts = plainTextSections(lines.join('\n'));
    if (heading !== null) {
      if (parts[0] && parts[0].heading === null) parts[0].heading = heading;
      else parts.unshift({ heading, blocks: [] });
    }
    sections.push(...parts);
    heading = null;
    lines = [];
  };
  for (const line of raw.split(/\r?\n/)) {
    const t = line.replace(/\s+/g, ' ').trim();
    if (t && headings.has(t)) {
      flush();
      heading = t;
    } else lines.push(line);
  }
  flush();
  return loadPlain(relPath, raw, sections);
}

/** mammoth's HTML → plain text as extractRawText gives it: each paragraph, heading or list item, then a blank line. */
function htmlBlocksToText(html: string): string {
  return html
    .replace(/<\/(?:p|h[1-6]|li|td|th|caption|blockquote)>|<br\s*\/?>/g, '\n\n')
    .split('\n\n')
    .map((block) => htmlText(block))
    .join('\n\n');
}

function htmlText(html: string): string {
  return html
    .replace(/<[^<>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function loadPlain(relPath: string, content: string, sections?: Section[]): ParsedDocument {
  if (content.length > MAX_TEXT_CHARS) throw new FileRejectedError(relPath, 'too-large', `${content.length} characters`);
  sections ??= plainTextSections(content);
  if (sections.length === 0) throw new KnowledgeFileError(relPath, 'no text could be extracted (a scanned PDF needs OCR first)');
  const first = sections[0]!;
  const title = (first.heading ?? first.blocks[0] ?? path.basename(relPath)).slice(0, 160);
  return plainDocument(relPath, title, sections, content.trim());
}

function plainDocument(relPath: string, title: string, sections: Section[], body: string): ParsedDocument {
  const lang: 'vi' | 'en' = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(body) ? 'vi' : 'en';
  return {
    id: idFromPath(relPath),
    kind: 'doc',
    title,
    topic: topicFromPath(relPath),
    lang,
    source: path.basename(relPath),
    sourceUrl: null,
    updated: null,
    reviewedBy: null,
    body,
    meta: {},
    units: passageUnits(relPath, sections, lang),
  };
}

function uniqueStrings(xs: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs.map((s) => s.trim()).filter(Boolean)) {
    if (seen.has(x)) continue;
    seen.add(x);
    out.push(x);
  }
  return out;
}

/** FAQ/claim phrasings mix languages inside one Vietnamese file; tag each one so English ones serve English askers. */
function guessPhrasingLang(s: string, fallback: 'vi' | 'en'): 'vi' | 'en' {
  if (/[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/i.test(s)) return 'vi';
  return /\b(the|is|are|was|what|where|when|how|which|who|does|do|did|in|of|to)\b/i.test(s) ? 'en' : fallback;
}
