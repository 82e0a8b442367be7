// File → ParsedDocument. Markdown with YAML front matter (the curated format of knowledge/README.md),
// plain text, Word (.docx, mammoth) and PDF (unpdf). Files without front matter get an id from their
// path, a title from their first line, and the topic of their folder when it names one.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { markdownSections, passages, plainTextSections, type Section } from './chunk.js';
import { KnowledgeFileError, TOPICS, type DocKind, type KnowledgeUnit, type ParsedDocument } from './types.js';

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

function passageUnits(sections: Section[], lang: 'vi' | 'en'): KnowledgeUnit[] {
  return passages(sections).map((p, i) => ({ role: 'passage', ord: i, section: p.section, lang, text: p.text }));
}

/** Parses one file's bytes. `relPath` is how the file is named to people (and in errors). */
export async function loadFile(relPath: string, bytes: Buffer): Promise<ParsedDocument> {
  const ext = path.extname(relPath).toLowerCase();
  try {
    if (ext === '.md' || ext === '.markdown') return loadMarkdown(relPath, bytes.toString('utf8'));
    if (ext === '.txt') return loadPlain(relPath, bytes.toString('utf8').replace(/^\uFEFF/, ''));
    if (ext === '.docx') return await loadDocx(relPath, bytes);
    if (ext === '.pdf') {
      const { extractText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(bytes));
      const r = await extractText(pdf, { mergePages: true });
      return loadPlain(relPath, Array.isArray(r.text) ? r.text.join('\n\n') : r.text);
    }
  } catch (err) {
    if (err instanceof KnowledgeFileError) throw err;
    throw new KnowledgeFileError(relPath, `cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  throw new KnowledgeFileError(relPath, `unsupported file type "${ext}" (use ${SUPPORTED_EXTENSIONS.join(', ')})`);
}

function loadMarkdown(relPath: string, content: string): ParsedDocument {
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
    units.push(...passageUnits(sections, lang));
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
  const mammoth = await import('mammoth');
  const raw = (await mammoth.extractRawText({ buffer: bytes })).value;
  const html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  const headings = new Set([...html.matchAll(/<h[1-6]\b[^>]*>([\s\S]*?)<\/h[1-6]>/g)].map((m) => htmlText(m[1]!)).filter(Boolean));
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

function htmlText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function loadPlain(relPath: string, content: string, sections: Section[] = plainTextSections(content)): ParsedDocument {
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
    units: passageUnits(sections, lang),
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
