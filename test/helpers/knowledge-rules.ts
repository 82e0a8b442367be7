// Rules on what citizens may read, shared by the knowledge content test and the FAQ reply test
// (knowledge/README.md, "Ghi chú cho cán bộ" and "Câu trả lời cho người dân").

/**
 * Wording that belongs in a document's staff-only `editor_note`, never in a reply (issue #11's
 * list). Case-insensitive; "check " catches instructions such as "Check vbpl.vn before saying…".
 */
export const EDITOR_WORDING: readonly RegExp[] = [/chưa xác nhận/i, /theo ngữ cảnh/i, /các nguồn ghi khác nhau/i, /\bcheck /i, /vbpl/i, /có nguồn ghi/i];

/** A reply that opens with a bare yes or no. */
export const BARE_YES_NO = /^(không|có|no|yes)[.,!]/i;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

/** A question that expects yes or no, so a reply may open with "Không."/"Có.". */
export function isYesNoQuestion(q: string): boolean {
  const raw = q.toLowerCase().trim();
  const f = fold(q).trim();
  if (/(hả|à|hử|nhỉ)\s*(ad|ak|z|v|vậy|nhé|mn|bạn|ơi)?\s*\??$/.test(raw)) return true;
  if (/^(is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|may|must)\b/.test(f)) return true;
  if (/\b(right|correct|isn't it|didn't it|is it|true)\s*\??$/.test(f)) return true;
  // Vietnamese: a final particle ("… không?", "… ko ad", "… đúng không", "… hả"), or "có/được/phải … không"
  if (/\b(khong|ko|k|hong|chua|dk|ak)\s*(ad|ak|a|z|v|vay|nhe|mn|ban|oi)?\s*\??$/.test(f)) return true;
  // unaccented chat: "… ha ad" is "hả"
  if (raw === f && /\b(ha|a)\s*(ad|z|v|vay|mn|oi)?\s*\??$/.test(f)) return true;
  return /\b(co|duoc|dc|phai|dung) .*\b(khong|ko|chua)\b/.test(f);
}
