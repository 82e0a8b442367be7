// Vietnamese labels for the codes stored in the database (outcomes, topics, statuses).
export const OUTCOME_LABEL: Record<string, string> = {
  answered: 'Đã trả lời',
  misconception: 'Nhận định sai',
  out_of_scope: 'Ngoài phạm vi',
  smalltalk: 'Chào hỏi',
};

export const TOPIC_LABEL: Record<string, string> = {
  commune: 'Xã Châu Tiến',
  tourism: 'Du lịch',
  border: 'Biên giới',
  sea: 'Biển, đảo',
  human_rights: 'Nhân quyền',
  events: 'Sự kiện, lễ hội',
  plan: 'Kế hoạch',
};
export const TOPICS = Object.keys(TOPIC_LABEL);

export const LANG_LABEL: Record<string, string> = { vi: 'Tiếng Việt', en: 'Tiếng Anh' };

export const FLAG_STATUS_LABEL: Record<string, string> = {
  new: 'Mới',
  confirmed: 'Đã xác nhận',
  dismissed: 'Đã bỏ qua',
  resolved: 'Đã xử lý',
};

export const KIND_LABEL: Record<string, string> = { doc: 'Tài liệu', faq: 'Hỏi đáp', misconception: 'Nhận định sai' };

export const label = (map: Record<string, string>, code: string | null | undefined): string => (code ? (map[code] ?? code) : '—');
