// Báo cáo tuần (/admin/report): the weekly summary `npm run report` prints (the same function and
// wording), for a chosen period, printable (a print stylesheet hides the menu) and downloadable as a
// Word document (.docx, written with the `docx` library) to send upwards as the commune plan asks.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { html } from '../html.js';
import { page } from '../layout.js';
import { resolvePeriod } from '../periods.js';
import type { PageDeps } from '../plugin.js';
import { sendPage, unavailable } from './common.js';
import { presetLinks } from './questions.js';

const Query = z.object({
  range: z.enum(['today', '7d', '30d', 'month']).optional().catch(undefined),
  from: z.string().max(10).optional().catch(undefined),
  to: z.string().max(10).optional().catch(undefined),
});

/** The report text as a Word document: the first line as the title, "  - " lines as bullets. */
export async function reportDocx(text: string): Promise<Buffer> {
  // loaded on the first export: docx is megabytes of code that every process would otherwise hold
  const { Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx');
  const lines = text.split('\n');
  const children = lines.map((line, i) => {
    if (i === 0) return new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(line)] });
    if (/^\s+- /.test(line)) return new Paragraph({ bullet: { level: 0 }, children: [new TextRun(line.replace(/^\s+- /, ''))] });
    return new Paragraph({ children: [new TextRun({ text: line, bold: /:$/.test(line) })] });
  });
  const doc = new Document({ creator: 'Trợ lý Zalo xã Châu Tiến', title: lines[0] ?? 'Báo cáo', styles: { default: { document: { run: { font: 'Times New Roman', size: 26 } } } }, sections: [{ children }] });
  return Packer.toBuffer(doc);
}

export function reportRoutes(admin: FastifyInstance, deps: PageDeps): void {
  const periodOf = (query: unknown) => resolvePeriod(Query.parse(query ?? {}), new Date(), '7d')!;

  admin.get('/report', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return sendPage(reply, page(req, { title: 'Báo cáo tuần', active: 'report', body: unavailable('Báo cáo tuần') }));
    const period = periodOf(req.query);
    const { text } = await deps.insights.weeklyReport({ from: period.from, to: period.to });
    const qs = period.key === 'custom' ? `from=${period.fromDay}&to=${period.toDay}` : `range=${period.key}`;
    const body = html`
${presetLinks('/admin/report', {}, period.key === 'custom' ? undefined : period.key)}
<p class="no-print toolbar"><a class="button primary" href="/admin/report.docx?${qs}" download id="report-docx">Tải về (Word .docx)</a> <span class="muted small">Để in: dùng lệnh In của trình duyệt (Ctrl+P); menu và nút sẽ không in ra.</span></p>
<pre class="report-text" id="report-text">${text}</pre>`;
    return sendPage(reply, page(req, { title: 'Báo cáo tuần', active: 'report', body }));
  });

  admin.get('/report.docx', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    if (!deps.insights) return reply.code(503).send('unavailable');
    const period = periodOf(req.query);
    const { text } = await deps.insights.weeklyReport({ from: period.from, to: period.to });
    await deps.auth.audit(req, 'report.download', 'report', { from: period.fromDay, to: period.toDay });
    return reply
      .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', `attachment; filename="bao-cao-${period.fromDay}-${period.toDay}.docx"`)
      .send(await reportDocx(text));
  });
}
