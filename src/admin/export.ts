// Question exports for Excel in Vietnam: local time as dd/mm/yyyy hh:mm (UTC+7), Vietnamese headers
// and labels, confidence in words. The CSV keeps its UTF-8 BOM (so Excel reads Vietnamese) and the
// formula escaping (a cell starting with = + - @ is prefixed with ' so a citizen's text never runs as
// a formula); the XLSX is written with exceljs, where text cells are stored as text, never formulas.
import { formatDateTime } from './html.js';
import { confidenceLabel, LANG_LABEL, label, OUTCOME_LABEL, TOPIC_LABEL } from './labels.js';
import type { QuestionRow } from './sources.js';

export const EXPORT_HEADERS = ['Thời gian', 'Kênh', 'Ngôn ngữ', 'Kết quả', 'Chủ đề', 'Thông tin sai lệch', 'Độ tin cậy', 'Câu hỏi', 'Câu trả lời', 'Nguồn'];

/** One row of an export, as staff read it. */
export function exportRow(r: QuestionRow, claims: Map<string, string> = new Map()): string[] {
  return [
    formatDateTime(r.askedAt),
    r.channel === 'zalo' ? 'Zalo' : r.channel === 'try' ? 'Thử trợ lý' : r.channel,
    label(LANG_LABEL, r.lang),
    label(OUTCOME_LABEL, r.outcome),
    r.topic ? label(TOPIC_LABEL, r.topic) : '',
    r.misconceptionId ? (claims.get(r.misconceptionId) ?? r.misconceptionId) : '',
    confidenceLabel(r.outcome, r.confidence) ?? '',
    r.question ?? '',
    r.answer ?? '',
    r.sources.map((s) => s.title).join('; '),
  ];
}

/** One CSV cell: quoted, and a leading = + - @ (or tab, CR) neutralised so a spreadsheet never runs it. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function questionsCsvText(rows: QuestionRow[], claims?: Map<string, string>): string {
  const lines = [EXPORT_HEADERS.map(csvCell).join(',')];
  for (const r of rows) lines.push(exportRow(r, claims).map(csvCell).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export async function questionsXlsx(rows: QuestionRow[], claims?: Map<string, string>): Promise<Buffer> {
  // loaded on the first export: exceljs is megabytes of code that every process would otherwise hold
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Trợ lý Zalo xã Châu Tiến';
  const ws = wb.addWorksheet('Câu hỏi', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = EXPORT_HEADERS.map((header, i) => ({ header, width: [17, 8, 11, 16, 14, 30, 10, 60, 60, 30][i] }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    // Strings go in as plain values: exceljs writes them as shared strings, so "=…" stays text.
    ws.addRow(exportRow(r, claims));
  }
  ws.getColumn(8).alignment = { wrapText: true, vertical: 'top' };
  ws.getColumn(9).alignment = { wrapText: true, vertical: 'top' };
  ws.autoFilter = { from: 'A1', to: 'J1' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
