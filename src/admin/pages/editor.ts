// The FAQ and misconception editor (/admin/faq/new, /admin/faq/edit, /admin/misconception/…): a plain
// form instead of YAML. Main question (pre-filled with the best-accented wording citizens used),
// their wordings as checkboxes, topic as a Vietnamese drop-down, source (required) and updated date,
// the answer (or correction) and an optional English one. "Xem trước" shows it as a Zalo bubble,
// "Thử ngay" runs the answer pipeline on the unsaved draft, "Lưu" writes it in the knowledge format
// (knowledge/README.md) through KnowledgeAdmin.addUpload and marks its emerging group answered.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import YAML from 'yaml';
import { z } from 'zod';
import type { AnswerResult } from '../../answer/types.js';
import { tryDraft } from '../draft-try.js';
import { slugify } from '../drafts.js';
import { html, type SafeHtml } from '../html.js';
import { confidenceLabel, label, OUTCOME_LABEL, TOPIC_LABEL, TOPICS } from '../labels.js';
import { csrfField, page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import { sendPage, unavailable, vnToday } from './common.js';

export type EditorKind = 'faq' | 'misconception';

export interface EditorDraft {
  kind: EditorKind;
  /** Set when editing an existing document (kept on save, so the new version replaces it). */
  id: string | null;
  group: string | null;
  /** The unanswered question (log id) the draft started from, if any: its asker can be told. */
  question?: string | null;
  /** "Báo cho người đã hỏi": tell the people who asked (last 7 days) once this is saved. */
  notify?: boolean;
  title: string;
  /** Candidate wordings shown as checkboxes, and the ones ticked. */
  wordings: string[];
  checked: string[];
  extra: string;
  topic: string;
  source: string;
  sourceUrl: string;
  updated: string;
  answer: string;
  answerEn: string;
  editorNote: string;
}

const TEXT = {
  faq: { title: 'Câu hỏi chính', answer: 'Câu trả lời (1–4 câu, người dân đọc trên điện thoại)', answerEn: 'Câu trả lời tiếng Anh (không bắt buộc)', wordings: 'Các cách người dân đã hỏi', page: 'Soạn câu hỏi thường gặp', edit: 'Sửa câu hỏi thường gặp' },
  misconception: { title: 'Thông tin sai (nói gọn)', answer: 'Lời đính chính (nêu sự thật và nguồn)', answerEn: 'Lời đính chính tiếng Anh (không bắt buộc)', wordings: 'Các cách người dân đã nói', page: 'Soạn đính chính thông tin sai lệch', edit: 'Sửa lời đính chính' },
};

/** Letters carrying Vietnamese diacritics: the wording with most of them reads best as a title. */
export function accentScore(s: string): number {
  let n = 0;
  for (const ch of s.normalize('NFC')) if (ch !== ch.normalize('NFD') || ch === 'đ' || ch === 'Đ') n++;
  return n;
}

export function bestTitle(wordings: string[]): string {
  const clean = wordings.map((w) => w.trim()).filter(Boolean);
  if (!clean.length) return '';
  const best = [...clean].sort((a, b) => accentScore(b) / Math.max(1, b.length) - accentScore(a) / Math.max(1, a.length) || a.length - b.length)[0]!;
  const t = best.charAt(0).toUpperCase() + best.slice(1);
  return /[?.!]$/.test(t) ? t : t + '?';
}

/** The knowledge-format markdown (front matter + body) for a draft. */
export function draftMarkdown(d: EditorDraft, id: string): string {
  const phrasings = [...new Set([d.title, ...d.checked, ...d.extra.split('\n')].map((s) => s.trim()).filter(Boolean))].slice(0, 40);
  const front: Record<string, unknown> = {
    id,
    kind: d.kind,
    title: d.title.trim(),
    ...(d.kind === 'misconception' ? { claim: d.title.trim().replace(/[?]$/, '') } : {}),
    topic: d.topic,
    lang: 'vi',
    source: d.source.trim(),
    ...(d.sourceUrl.trim() ? { source_url: d.sourceUrl.trim() } : {}),
    updated: d.updated,
    reviewed_by: '',
    ...(d.editorNote.trim() ? { editor_note: d.editorNote.trim() } : {}),
    ...(d.kind === 'faq' ? { questions: phrasings } : { claims: phrasings }),
    ...(d.answerEn.trim() ? { [d.kind === 'faq' ? 'answer_en' : 'correction_en']: d.answerEn.trim() + '\n' } : {}),
  };
  return `---\n${YAML.stringify(front, { lineWidth: 0 })}---\n${d.answer.trim()}\n`;
}

/** Every problem at once, in Vietnamese, keyed by field. */
export function draftProblems(d: EditorDraft): Record<string, string> {
  const p: Record<string, string> = {};
  if (!d.title.trim()) p.title = d.kind === 'faq' ? 'Hãy nhập câu hỏi chính.' : 'Hãy nhập thông tin sai cần đính chính.';
  if (!TOPICS.includes(d.topic)) p.topic = 'Hãy chọn chủ đề.';
  if (!d.source.trim()) p.source = 'Hãy ghi nguồn: người dân cần kiểm tra được (vd. "UBND xã Châu Tiến, thông báo ngày 25/11/2026").';
  if (d.sourceUrl.trim() && !/^https?:\/\/\S+$/.test(d.sourceUrl.trim())) p.sourceUrl = 'Đường dẫn nguồn phải bắt đầu bằng http:// hoặc https://';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.updated)) p.updated = 'Hãy chọn ngày cập nhật.';
  if (!d.answer.trim()) p.answer = d.kind === 'faq' ? 'Hãy viết câu trả lời.' : 'Hãy viết lời đính chính.';
  return p;
}

const arr = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(500)).max(60));
const FormBody = z.object({
  kind: z.enum(['faq', 'misconception']),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,100}$/).optional().or(z.literal('')),
  group: z.string().regex(/^[\w-]{1,40}$/).optional().or(z.literal('')),
  question: z.string().regex(/^\d{1,18}$/).optional().or(z.literal('')),
  // A checkbox: present when ticked, absent when staff untick it.
  notify: z.literal('1').optional(),
  title: z.string().max(300).default(''),
  wording: arr,
  checked: arr,
  extra: z.string().max(5000).default(''),
  topic: z.string().max(40).default(''),
  source: z.string().max(300).default(''),
  source_url: z.string().max(500).default(''),
  updated: z.string().max(10).default(''),
  answer: z.string().max(5000).default(''),
  answer_en: z.string().max(5000).default(''),
  editor_note: z.string().max(1000).default(''),
  action: z.enum(['preview', 'try', 'save']).default('preview'),
});

function fromBody(b: z.infer<typeof FormBody>): EditorDraft {
  return {
    kind: b.kind, id: b.id || null, group: b.group || null, question: b.question || null, notify: b.notify === '1', title: b.title, wordings: b.wording, checked: b.checked, extra: b.extra, topic: b.topic,
    source: b.source, sourceUrl: b.source_url, updated: b.updated, answer: b.answer, answerEn: b.answer_en, editorNote: b.editor_note,
  };
}

/** The answer as the bot would send it on Zalo: the text, then its source line. */
export function bubbleText(d: Pick<EditorDraft, 'answer' | 'source' | 'title'>): string {
  const src = d.source.trim();
  return `${d.answer.trim() || '(câu trả lời)'}${src ? `\nNguồn: ${src}` : ''}`;
}

function tryResults(results: Array<{ question: string; result: AnswerResult }>): SafeHtml {
  const ok = results.filter((r) => r.result.outcome === 'answered' || r.result.outcome === 'misconception').length;
  return html`<section class="panel" id="try-results" aria-live="polite">
  <h2>Kết quả thử trên bản nháp</h2>
  <p>${ok}/${results.length} cách hỏi được trả lời từ bản nháp này.</p>
  <ul class="plain">${results.map((r) => {
    const level = confidenceLabel(r.result.outcome, r.result.confidence);
    return html`<li><span class="citizen">${r.question}</span> → <span class="badge badge-${r.result.outcome}">${label(OUTCOME_LABEL, r.result.outcome)}</span>${level ? html` <span class="muted small">độ tin cậy ${level}</span>` : ''}</li>`;
  })}</ul>
</section>`;
}

function editorPage(req: FastifyRequest, reply: FastifyReply, d: EditorDraft, opts: { problems?: Record<string, string>; tried?: Array<{ question: string; result: AnswerResult }>; status?: number } = {}) {
  const t = TEXT[d.kind];
  const problems = opts.problems ?? {};
  const err = (k: string) => (problems[k] ? html`<p class="field-error" id="err-${k}">${problems[k]}</p>` : '');
  const inv = (k: string) => (problems[k] ? html` aria-invalid="true" aria-describedby="err-${k}"` : '');
  const base = d.kind === 'faq' ? '/admin/faq' : '/admin/misconception';
  const body = html`
${Object.keys(problems).length ? html`<p class="flash flash-error" role="alert">Còn ${Object.keys(problems).length} chỗ cần sửa, được đánh dấu bên dưới.</p>` : ''}
<form method="post" action="${base}/save" class="form-grid" id="editor-form">
  ${csrfField(req)}
  <input type="hidden" name="kind" value="${d.kind}">
  <input type="hidden" name="id" value="${d.id ?? ''}">
  <input type="hidden" name="group" value="${d.group ?? ''}">
  <input type="hidden" name="question" value="${d.question ?? ''}">
  <div><label for="e-title">${t.title}</label><input id="e-title" name="title" type="text" maxlength="300" required value="${d.title}"${inv('title')}>${err('title')}</div>
  ${d.wordings.length
    ? html`<fieldset><legend>${t.wordings}</legend><p class="hint">Bỏ chọn những câu không cùng ý.</p>
    ${d.wordings.map((w, i) => html`<label class="check" for="w-${i}"><input type="checkbox" id="w-${i}" name="checked" value="${w}"${d.checked.includes(w) ? html` checked` : ''}><input type="hidden" name="wording" value="${w}"><span class="citizen">${w}</span></label>`)}
  </fieldset>`
    : ''}
  <div><label for="e-extra">Cách hỏi khác (không bắt buộc, mỗi dòng một câu)</label><textarea id="e-extra" name="extra" rows="2" maxlength="5000">${d.extra}</textarea></div>
  <div><label for="e-topic">Chủ đề</label><select id="e-topic" name="topic" required${inv('topic')}><option value="">— Chọn chủ đề —</option>${TOPICS.map((k) => html`<option value="${k}"${d.topic === k ? html` selected` : ''}>${TOPIC_LABEL[k]}</option>`)}</select>${err('topic')}</div>
  <div><label for="e-source">Nguồn (bắt buộc)</label><input id="e-source" name="source" type="text" maxlength="300" required value="${d.source}" placeholder="vd. UBND xã Châu Tiến, thông báo số 12/TB-UBND ngày 25/11/2026"${inv('source')}>${err('source')}</div>
  <div><label for="e-url">Đường dẫn nguồn (không bắt buộc)</label><input id="e-url" name="source_url" type="text" inputmode="url" maxlength="500" value="${d.sourceUrl}" placeholder="https://…"${inv('sourceUrl')}>${err('sourceUrl')}</div>
  <div><label for="e-updated">Ngày cập nhật</label><input id="e-updated" name="updated" type="date" required value="${d.updated}"${inv('updated')}>${err('updated')}</div>
  <div><label for="e-answer">${t.answer}</label><textarea id="e-answer" name="answer" rows="5" maxlength="5000" required${inv('answer')}>${d.answer}</textarea>${err('answer')}</div>
  <div><label for="e-answer-en">${t.answerEn}</label><textarea id="e-answer-en" name="answer_en" rows="3" maxlength="5000">${d.answerEn}</textarea></div>
  <div><label for="e-note">Ghi chú cho cán bộ (không gửi cho người dân)</label><input id="e-note" name="editor_note" type="text" maxlength="1000" value="${d.editorNote}"></div>
  ${d.group || d.question
    ? html`<div><label class="check" for="e-notify"><input type="checkbox" id="e-notify" name="notify" value="1"${d.notify ? html` checked` : ''}> Báo cho người đã hỏi</label>
  <p class="hint">Khi lưu, mỗi người đã hỏi trong 7 ngày qua nhận một tin Zalo ngắn với câu trả lời và nguồn (mỗi người một lần).</p></div>`
    : ''}
  <section class="preview-wrap" aria-label="Xem trước trên Zalo"><h2>Xem trước trên Zalo</h2><div class="zalo-bubble"><pre class="zalo" id="preview-bubble">${bubbleText(d)}</pre></div></section>
  <div class="actions">
    <button type="submit" name="action" value="try" formnovalidate>Thử ngay</button>
    <button type="submit" name="action" value="preview" formnovalidate>Xem trước</button>
    <button type="submit" name="action" value="save" class="primary">Lưu</button>
  </div>
</form>
${opts.tried ? tryResults(opts.tried) : ''}`;
  return sendPage(reply, page(req, { title: d.id ? t.edit : t.page, active: 'knowledge', body, scripts: ['editor.js'] }), opts.status ?? 200);
}

const blank = (kind: EditorKind): EditorDraft => ({
  kind, id: null, group: null, question: null, notify: true, title: '', wordings: [], checked: [], extra: '', topic: '', source: '', sourceUrl: '', updated: vnToday(), answer: '', answerEn: '', editorNote: '',
});

/**
 * "Báo cho người đã hỏi": once an FAQ or a correction from an emerging group or an unanswered
 * question is saved, each person who asked it in the last 7 days is told once (people-loop keys
 * the notice on the document, so saving it again tells nobody twice). Null when nobody was to be
 * told (unticked, or a draft not started from citizens' questions).
 */
async function tellAskers(req: FastifyRequest, deps: PageDeps, d: EditorDraft, docId: string): Promise<number | null> {
  if (!d.notify || !deps.loop || (!d.group && !d.question)) return null;
  const ids = new Set<number>();
  if (d.question) ids.add(Number(d.question));
  if (d.group && deps.insights) {
    const g = (await deps.insights.listEmerging({ includeClosed: true })).find((x) => x.id === d.group);
    for (const x of g?.questions ?? []) ids.add(Number(x.id));
  }
  const source = [d.source.trim(), d.sourceUrl.trim()].filter(Boolean).join(' ');
  const told = await deps.loop.notifyAskers({ publishedKey: `doc:${docId}`, kind: d.kind === 'faq' ? 'faq' : 'correction', questionIds: [...ids], answer: d.answer.trim(), source });
  await deps.auth.audit(req, 'loop.notify_askers', docId, { told, questions: ids.size });
  return told;
}

export function editorRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const { auth } = deps;

  for (const kind of ['faq', 'misconception'] as const) {
    const base = kind === 'faq' ? '/faq' : '/misconception';

    // New, from an unanswered question (?question=<log id>) or an emerging group (?group=<id>).
    admin.get<{ Querystring: { question?: string; group?: string } }>(`${base}/new`, { preHandler: auth.requireRole('editor') }, async (req, reply) => {
      const d = blank(kind);
      if (deps.insights && req.query.question && /^\d{1,18}$/.test(req.query.question)) {
        const { rows } = await deps.insights.listQuestions({ id: req.query.question, page: 1, pageSize: 1 });
        const q = rows[0]?.question;
        if (q) {
          d.question = req.query.question;
          d.wordings = [q];
          d.checked = [q];
          d.title = bestTitle([q]);
          if (rows[0]!.topic) d.topic = rows[0]!.topic;
        }
      }
      if (deps.insights && req.query.group && /^[\w-]{1,40}$/.test(req.query.group)) {
        const g = (await deps.insights.listEmerging({ includeClosed: true })).find((x) => x.id === req.query.group);
        if (g) {
          const all = [...new Set([g.label, ...(g.questions?.map((x) => x.text) ?? g.examples)].map((s) => s.trim()))].slice(0, 20);
          d.group = g.id;
          d.wordings = all;
          d.checked = all;
          d.title = bestTitle(all);
        }
      }
      return editorPage(req, reply, d);
    });

    admin.get<{ Querystring: { id?: string } }>(`${base}/edit`, { preHandler: auth.requireRole('editor') }, async (req, reply) => {
      if (!deps.knowledge) return sendPage(reply, page(req, { title: TEXT[kind].edit, active: 'knowledge', body: unavailable('Tri thức') }));
      const id = req.query.id && /^[a-z0-9][a-z0-9-]{1,100}$/.test(req.query.id) ? req.query.id : '';
      const doc = id ? await deps.knowledge.getDocument(id) : null;
      if (!doc || doc.kind !== kind) throw Object.assign(new Error('Không tìm thấy tài liệu này.'), { statusCode: 404 });
      return editorPage(req, reply, {
        ...blank(kind), id: doc.id, title: doc.title, topic: doc.topic, source: doc.source, updated: doc.updated ?? vnToday(), answer: doc.body, editorNote: doc.editorNote ?? '',
      });
    });

    admin.post(`${base}/save`, { preHandler: [auth.requireRole('editor'), auth.verifyCsrf] }, async (req, reply) => {
      const b = FormBody.parse(req.body);
      const d = fromBody({ ...b, kind });
      const problems = draftProblems(d);
      if (b.action === 'preview') return editorPage(req, reply, d);
      if (b.action === 'try') {
        if (problems.title || problems.answer) return editorPage(req, reply, d, { problems: { ...(problems.title ? { title: problems.title } : {}), ...(problems.answer ? { answer: problems.answer } : {}) }, status: 400 });
        const probe = draftMarkdown({ ...d, topic: d.topic || 'commune', source: d.source || 'bản nháp', updated: d.updated || vnToday() }, d.id ?? `${kind === 'faq' ? 'faq' : 'mis'}-ban-nhap`);
        const questions = [...new Set([d.title, ...d.checked, ...d.extra.split('\n')].map((s) => s.trim()).filter(Boolean))];
        return editorPage(req, reply, d, { tried: await tryDraft(probe, questions, deps.config) });
      }
      if (Object.keys(problems).length) return editorPage(req, reply, d, { problems, status: 400 });
      if (!deps.knowledge) return editorPage(req, reply, d, { problems: { answer: 'Chức năng tri thức chưa sẵn sàng trên máy chủ này.' }, status: 503 });
      let id = d.id;
      if (!id) {
        const stem = `${kind === 'faq' ? 'faq' : 'mis'}-${slugify(d.title)}`;
        id = stem;
        for (let n = 2; (await deps.knowledge.getDocument(id)) && n < 50; n++) id = `${stem}-${n}`;
      }
      const markdown = draftMarkdown(d, id);
      const saved = await deps.knowledge.addUpload(`${id}.md`, Buffer.from(markdown, 'utf8'), { title: d.title.trim(), topic: d.topic, source: d.source.trim(), sourceUrl: d.sourceUrl.trim() || null }, req.staff!.username);
      await auth.audit(req, 'draft.save', saved.id, { kind, edit: Boolean(d.id) });
      const told = await tellAskers(req, deps, d, saved.id);
      if (d.group && deps.insights) await deps.insights.setEmergingState(d.group, 'answered', d.title, req.staff!.username, saved.id);
      const toldQs = told === null ? '' : `&told=${told}`;
      return reply.redirect(`/admin/knowledge?ok=draft-saved${toldQs}&doc=${encodeURIComponent(saved.id)}#doc-${encodeURIComponent(saved.id)}`, 303);
    });
  }
}
