// What the channel itself says (not the answer pipeline): welcome, a note for non-text
// messages, the rate-limit notice. Vietnamese first; English when the user wrote English.
import type { Lang } from '../answer/types.js';

export const WELCOME_TEXT =
  'Xin chào! Đây là trợ lý tự động (AI) của UBND xã Châu Tiến (Nghệ An). ' +
  'Bạn có thể hỏi về thông tin của xã, du lịch (Hang Bua, lễ hội, nghề truyền thống), ' +
  'biên giới, biển đảo, quyền con người và các hoạt động đối ngoại. ' +
  'Câu trả lời dựa trên tài liệu chính thức và có ghi nguồn; trợ lý không tư vấn hồ sơ cá nhân.\n' +
  'Cần gặp cán bộ, bạn vui lòng liên hệ trực tiếp Văn phòng HĐND và UBND xã Châu Tiến trong giờ hành chính.\n' +
  'Câu hỏi được lưu không kèm tên để cải thiện trả lời; muốn xóa, nhắn "xóa dữ liệu".\n' +
  'Hello! You can also ask in English.';

const NON_TEXT: Record<Lang, string> = {
  vi:
    'Cảm ơn bạn! Trợ lý hiện chỉ đọc được tin nhắn chữ, chưa xem được hình ảnh, nhãn dán, tệp, ghi âm hay vị trí. ' +
    'Bạn vui lòng gõ câu hỏi bằng chữ nhé.',
  en: 'Thank you! The assistant can only read text messages for now, not pictures, stickers, files, voice or locations. Please type your question.',
};

const RATE_LIMIT: Record<Lang, string> = {
  vi: 'Bạn đang gửi nhiều tin nhắn liên tiếp. Trợ lý sẽ tạm dừng trả lời trong ít phút; bạn vui lòng chờ một chút rồi gửi lại câu hỏi nhé.',
  en: 'You are sending many messages in a row. The assistant will pause for a minute; please wait a moment and ask again.',
};

export const nonTextNote = (lang: Lang | null | undefined): string => NON_TEXT[lang ?? 'vi'];
export const rateLimitNotice = (lang: Lang | null | undefined): string => RATE_LIMIT[lang ?? 'vi'];

const TRUNCATED: Record<Lang, (n: string) => string> = {
  vi: (n) => `(Tin nhắn của bạn dài, trợ lý chỉ đọc ${n} ký tự đầu. Bạn có thể gửi từng câu hỏi ngắn để được trả lời đầy đủ hơn.)`,
  en: (n) => `(Your message is long; the assistant read only its first ${n} characters. Sending one short question at a time gets fuller answers.)`,
};

/** Appended to the answer when only the first `limit` characters of a message were answered. */
export const truncatedNote = (lang: Lang | null | undefined, limit: number): string =>
  TRUNCATED[lang ?? 'vi'](lang === 'en' ? limit.toLocaleString('en-US') : limit.toLocaleString('en-US').replace(/,/g, '.'));
