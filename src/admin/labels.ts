// Vietnamese labels for the codes stored in the database (outcomes, topics, statuses, audit
// actions, Zalo errors). Staff never see a raw code: anything without a label here is shown as a
// plain "khác" with the code behind "Chi tiết".
export const OUTCOME_LABEL: Record<string, string> = {
  answered: 'Đã trả lời',
  misconception: 'Đã đính chính',
  out_of_scope: 'Chưa trả lời được',
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

export const KIND_LABEL: Record<string, string> = { doc: 'Tài liệu', faq: 'Hỏi đáp', misconception: 'Thông tin sai lệch' };

/** What an audit entry's action means, in words staff use. */
export const AUDIT_ACTION_LABEL: Record<string, string> = {
  login: 'Đăng nhập',
  logout: 'Đăng xuất',
  'staff.add': 'Thêm tài khoản',
  'staff.setup': 'Tạo tài khoản quản trị đầu tiên',
  'staff.disable': 'Khóa tài khoản',
  'staff.password': 'Đổi mật khẩu',
  'flag.confirmed': 'Xác nhận thông tin sai lệch',
  'flag.dismissed': 'Bỏ qua cảnh báo',
  'flag.resolved': 'Đánh dấu đã xử lý',
  'flag.new': 'Mở lại cảnh báo',
  'flag.note': 'Ghi chú cảnh báo',
  'questions.export': 'Tải danh sách câu hỏi',
  'knowledge.upload': 'Tải lên tài liệu',
  'knowledge.remove': 'Gỡ tài liệu',
  'knowledge.review': 'Đánh dấu đã duyệt',
  'knowledge.reindex': 'Cập nhật dữ liệu cho trợ lý',
  'knowledge.draft': 'Lưu hỏi đáp mới',
  'draft.save': 'Lưu hỏi đáp mới',
  'emerging.state': 'Đổi trạng thái chủ đề mới nổi',
  'emerging.merge': 'Gộp chủ đề mới nổi',
  'emerging.split': 'Tách câu hỏi khỏi chủ đề',
  'delivery.retry': 'Gửi lại tin',
  'report.download': 'Tải báo cáo tuần',
  'loop.notify_askers': 'Báo câu trả lời cho người đã hỏi',
  'loop.staff_reply': 'Trả lời người hỏi',
  'loop.resume': 'Trả cuộc trò chuyện lại cho trợ lý',
  'privacy.find': 'Tìm dữ liệu cá nhân',
  'privacy.export': 'Xuất dữ liệu cá nhân',
  'privacy.delete': 'Xóa dữ liệu cá nhân',
};

export const label = (map: Record<string, string>, code: string | null | undefined): string => (code ? (map[code] ?? code) : '—');

/** An audit action in words; an unknown key reads "Thao tác khác" (the key stays behind "Chi tiết"). */
export const auditLabel = (action: string): string => AUDIT_ACTION_LABEL[action] ?? 'Thao tác khác';

/** Confidence in words; none for a refusal or small talk, where a number would read as "sure of the refusal". */
export function confidenceLabel(outcome: string, confidence: number): string | null {
  if (outcome !== 'answered' && outcome !== 'misconception') return null;
  return confidence >= 0.75 ? 'cao' : confidence >= 0.5 ? 'trung bình' : 'thấp';
}

export interface DeliveryExplanation {
  /** What happened, for staff. */
  text: string;
  /** Whether "Gửi lại" can work at all. */
  retryable: boolean;
}

// Zalo OA API error codes seen in delivery failures (developers.zalo.me, "Mã lỗi"). -230/-232: the
// citizen has not written to the OA within the window Zalo allows, so no retry can succeed.
const ZALO_ERRORS: Record<number, DeliveryExplanation> = {
  [-230]: { text: 'Người dân chưa nhắn cho OA trong 7 ngày qua nên Zalo không cho gửi. Gửi lại sẽ không được; hãy liên hệ bằng kênh khác (điện thoại, gặp trực tiếp).', retryable: false },
  [-232]: { text: 'Người dân chưa tương tác với OA đủ gần đây nên Zalo không cho gửi. Gửi lại sẽ không được; hãy liên hệ bằng kênh khác.', retryable: false },
  [-213]: { text: 'Người dân đã chặn hoặc bỏ quan tâm OA. Gửi lại sẽ không được.', retryable: false },
  [-201]: { text: 'Người nhận hoặc nội dung không hợp lệ với Zalo. Gửi lại sẽ không được; hãy báo bộ phận kỹ thuật.', retryable: false },
  [-216]: { text: 'Mã truy cập Zalo của OA đã hết hạn hoặc không đúng. Hãy kết nối lại OA (xem hướng dẫn cài đặt Zalo), rồi bấm "Gửi lại".', retryable: true },
  [-124]: { text: 'Mã truy cập Zalo của OA đã hết hạn. Hãy kết nối lại OA, rồi bấm "Gửi lại".', retryable: true },
  [-32]: { text: 'Zalo tạm thời từ chối vì gửi quá nhiều tin trong thời gian ngắn. Có thể bấm "Gửi lại" sau ít phút.', retryable: true },
};

/** A delivery failure in plain Vietnamese, and whether retrying makes sense. */
export function explainDeliveryError(lastError: string | null, status: string): DeliveryExplanation {
  if (status === 'alert') return { text: lastError ? `Kênh Zalo báo lỗi: ${plainError(lastError)}` : 'Kênh Zalo báo lỗi.', retryable: true };
  const m = /zalo(?: error)?\s*(-\d+)/i.exec(lastError ?? '');
  if (m) {
    const known = ZALO_ERRORS[Number(m[1])];
    if (known) return known;
    return { text: `Zalo từ chối tin này (mã lỗi ${m[1]} của Zalo). Có thể thử "Gửi lại"; nếu vẫn lỗi, hãy báo bộ phận kỹ thuật.`, retryable: true };
  }
  if (!lastError) return { text: status === 'retrying' ? 'Đang thử gửi lại tự động.' : 'Không rõ lý do.', retryable: true };
  if (/timeout|ETIMEDOUT|ECONNRESET|ECONNREFUSED|ENOTFOUND|fetch failed|socket/i.test(lastError)) {
    return { text: 'Không kết nối được tới Zalo (mạng hoặc máy chủ Zalo). Có thể bấm "Gửi lại".', retryable: true };
  }
  return { text: 'Gửi không thành công. Có thể bấm "Gửi lại"; nếu vẫn lỗi, hãy báo bộ phận kỹ thuật.', retryable: true };
}

/** An error message stripped of its leading code, for an alert line. */
function plainError(s: string): string {
  return s.replace(/^zalo error -?\d+:\s*/i, '');
}

export const DELIVERY_STATUS_LABEL: Record<string, string> = { dead: 'Đã ngừng gửi', retrying: 'Đang thử lại', alert: 'Cảnh báo kênh' };
export const PURPOSE_LABEL: Record<string, string> = {
  reply: 'Câu trả lời',
  welcome: 'Lời chào',
  note: 'Thông báo',
  rate_limit: 'Nhắc gửi chậm lại',
  alert: 'Cảnh báo cho cán bộ',
  staff_reply: 'Trả lời của cán bộ',
};
