// People in the loop: the rules that let a person step in and that close the loop with citizens.
//  - Takeover: an echo of a message our outbox did not send means an officer is answering in the
//    OA Manager; a staff reply from the dashboard does the same. The bot then stays quiet for that
//    citizen for HANDOFF_PAUSE_MINUTES, or until staff hand the conversation back. Questions that
//    arrive meanwhile are still logged (flags and trends see them), marked as held for staff.
//  - Staff replies and "your question now has an answer" messages reach a citizen through the
//    outbox, using the sealed reply address kept only for Zalo's 7-day reply window.
//  - Reactions to the bot's replies count as helpfulness feedback.
//  - The first reply of each conversation says what the bot is and what it keeps (AI Law
//    134/2025/QH15 Art. 11; Law 91/2025/QH15), and "xóa dữ liệu" + "đồng ý" deletes one's data.
// The inbox worker calls screen → (answer) → decorate → remember inside its transaction; the
// dashboard calls the staff-facing methods. All SQL is in loop-store.ts.
import crypto from 'node:crypto';
import type { AnswerResult, Lang } from '../answer/types.js';
import type { Db, Queryable } from '../db/types.js';
import type { Pseudonymizer } from '../insights/pseudonym.js';
import type { RecordedQuestion } from '../insights/types.js';
import type { Logger } from '../log.js';
import type { AddressSeal } from './address-seal.js';
import { fill, pick, type LoopData } from './loop-data.js';
import * as store from './loop-store.js';

/** Zalo accepts consultation replies for 7 days after the user's last message, and bills them after 48 hours. */
export const REPLY_WINDOW_DAYS = 7;
export const FREE_REPLY_HOURS = 48;
/** A conversation opens again after this much silence (the disclosure is repeated then). */
export const CONVERSATION_GAP_HOURS = 24;
const CONFIRM_MINUTES = 10;
const NOTICE_WINDOW_DAYS = 7;

/** What the caller sends through its outbox; the channel owns the outbox table and its splitting. */
export type Enqueue = (q: Queryable, msg: { purpose: 'staff_reply' | 'asker_notice' | 'data_request'; recipientId: string; text: string; dedupeKey: string }) => Promise<number>;

export interface PeopleLoopDeps {
  db: Db;
  log: Logger;
  data: LoopData;
  seal: AddressSeal;
  pseudonyms: Pseudonymizer;
  /** The channel's keyed hash of a Zalo user id (conversation state, rate limits). */
  userKey: (userId: string) => string;
  enqueue: Enqueue;
  /** Was this Zalo message id sent by our own outbox (or this text sent to this user just now)? */
  sentByUs: (q: Queryable, e: { msgId: string; recipientId: string; text: string | null }) => Promise<boolean>;
  pauseMinutes: number;
  retentionDays: number;
  clock?: () => Date;
}

export type Screened =
  | { kind: 'answer' }
  /** A person has the conversation: log the question (held for staff) and send nothing. */
  | { kind: 'held' }
  /** A data-subject request: send this text instead of an answer and do not log the message as a question. */
  | { kind: 'reply'; text: string };

export interface ReplyWindow {
  available: boolean;
  lastUserMessageAt: Date | null;
  closesAt: Date | null;
  /** A reply now is past the free 48 hours and Zalo may bill it. */
  billed: boolean;
}

export interface PeopleLoop {
  screen(q: Queryable, m: { userId: string; text: string; lang: Lang; at: Date }): Promise<Screened>;
  /** The reply text with the disclosure at the start of a conversation and the AI note when rephrased. */
  decorate(q: Queryable, m: { userId: string; at: Date; lang: Lang; rephrased: boolean }, text: string): Promise<string>;
  /** After the question row is written: keep the reply address and link the reply for reactions. */
  remember(q: Queryable, m: { userId: string; at: Date; recorded: RecordedQuestion | void; replyKey: string | null; result: AnswerResult }): Promise<void>;
  /** An oa_send_* echo. True when it started (or extended) a takeover. */
  onEcho(q: Queryable, e: { recipientId: string; msgId: string; text: string | null; adminId: string | null; at: Date }): Promise<boolean>;
  /** A user_reacted_message. True when it was counted against one of the bot's answers. */
  onReaction(q: Queryable, r: { msgId: string; icon: string; at: Date }): Promise<boolean>;

  // --- staff-facing ---
  questionSummary(questionId: number): Promise<store.QuestionSummary | null>;
  replyWindow(questionId: number): Promise<ReplyWindow>;
  staffReply(p: { questionId: number; text: string; staff: string }): Promise<{ queued: boolean; billed: boolean; reason?: 'no_address' | 'window_closed' }>;
  listPaused(): Promise<store.PausedConversation[]>;
  resume(userKey: string): Promise<boolean>;
  notifyAskers(p: { publishedKey: string; kind: 'faq' | 'correction'; questionIds?: number[]; misconceptionId?: string; answer: string; source: string }): Promise<number>;
  noticesSent(publishedKey: string): Promise<number>;
  findPerson(userId: string): Promise<Record<string, number>>;
  exportPerson(userId: string, staff: string): Promise<Record<string, unknown[]>>;
  deletePerson(userId: string, staff: string): Promise<Record<string, number>>;
  dataRequests(): Promise<store.DataRequestRow[]>;
  feedback(since: Date): Promise<{ byTopic: store.FeedbackRow[]; byDocument: store.FeedbackRow[]; negative: store.NegativeAnswer[] }>;
  /** Periodic clean-up: closed reply windows, old sessions and confirmations. */
  scrub(): Promise<{ addresses: number }>;
}

export function createPeopleLoop(deps: PeopleLoopDeps): PeopleLoop {
  const { db, data } = deps;
  const now = deps.clock ?? (() => new Date());

  async function personKeys(q: Queryable, userId: string): Promise<store.PersonKeys> {
    const days = Math.max(deps.retentionDays || 0, 400);
    return { userId, userKey: deps.userKey(userId), pseudonyms: await deps.pseudonyms.pseudonymsWithin(q, userId, days, now()) };
  }

  async function deleteAll(q: Queryable, userId: string, via: 'zalo' | 'dashboard', by: string | null): Promise<Record<string, number>> {
    const rows = await store.deletePerson(q, await personKeys(q, userId));
    await store.recordDataRequest(q, { kind: 'delete', via, by, rows, at: now() });
    return rows;
  }

  async function addressOfQuestion(questionId: number): Promise<{ userId: string; address: store.StoredAddress } | null> {
    const pseudonym = await store.pseudonymOfQuestion(db, questionId);
    if (!pseudonym) return null;
    const address = await store.addressFor(db, pseudonym, now());
    const userId = address ? deps.seal.open(address.sealed) : null;
    return address && userId ? { userId, address } : null;
  }

  function windowOf(address: store.StoredAddress | null, at: Date): ReplyWindow {
    if (!address) return { available: false, lastUserMessageAt: null, closesAt: null, billed: false };
    const closesAt = new Date(address.lastUserMessageAt.getTime() + REPLY_WINDOW_DAYS * 86_400_000);
    return {
      available: closesAt > at,
      lastUserMessageAt: address.lastUserMessageAt,
      closesAt,
      billed: at.getTime() - address.lastUserMessageAt.getTime() > FREE_REPLY_HOURS * 3_600_000,
    };
  }

  return {
    async screen(q, m) {
      const userKey = deps.userKey(m.userId);
      if (await store.hasPending(q, userKey, m.at)) {
        await store.takePending(q, userKey, m.at);
        if (data.isConfirmation(m.text)) {
          const rows = await deleteAll(q, m.userId, 'zalo', null);
          const count = Object.values(rows).reduce((a, b) => a + b, 0);
          return { kind: 'reply', text: fill(pick(data.deleteRequest.done, m.lang), { count }) };
        }
        // anything else cancels the request and is answered as usual
      }
      if (data.isDeleteRequest(m.text)) {
        await store.setPending(q, userKey, 'delete_data', new Date(m.at.getTime() + CONFIRM_MINUTES * 60_000));
        return { kind: 'reply', text: pick(data.deleteRequest.askConfirm, m.lang) };
      }
      if (await store.activePause(q, userKey, m.at)) {
        await store.countHeldQuestion(q, userKey);
        return { kind: 'held' };
      }
      return { kind: 'answer' };
    },

    async decorate(q, m, text) {
      let out = text;
      if (m.rephrased) out += '\n' + pick(data.aiGenerated, m.lang);
      if (await store.openSession(q, deps.userKey(m.userId), m.at, CONVERSATION_GAP_HOURS)) {
        out += '\n' + fill(pick(data.disclosure, m.lang), { days: deps.retentionDays || 'không giới hạn' });
      }
      return out;
    },

    async remember(q, m) {
      const recorded = m.recorded || null;
      if (recorded?.pseudonym) {
        await store.rememberAddress(q, { pseudonym: recorded.pseudonym, userKey: deps.userKey(m.userId), sealed: deps.seal.seal(m.userId), at: m.at, windowDays: REPLY_WINDOW_DAYS });
      }
      if (m.replyKey && (m.result.outcome === 'answered' || m.result.outcome === 'misconception')) {
        await store.linkReply(q, { replyKey: m.replyKey, questionLogId: recorded?.id ?? null, topic: m.result.topic, docIds: m.result.sources.map((s) => s.id) });
      }
    },

    async onEcho(q, e) {
      // Our own sends echo back too; only a message we did not send means a person is answering.
      if (await deps.sentByUs(q, { msgId: e.msgId, recipientId: e.recipientId, text: e.text })) return false;
      const until = new Date(e.at.getTime() + deps.pauseMinutes * 60_000);
      await store.pauseConversation(q, { userKey: deps.userKey(e.recipientId), until, reason: 'officer_echo', by: null, at: e.at });
      deps.log.info({ adminEcho: e.adminId !== null, pausedUntil: until.toISOString() }, 'a person is answering a citizen by hand; the bot pauses for that conversation');
      return true;
    },

    async onReaction(q, r) {
      return store.recordReaction(q, { zaloMessageId: r.msgId, icon: r.icon, sentiment: data.sentimentOf(r.icon), at: r.at });
    },

    questionSummary: (questionId) => store.questionSummary(db, questionId),

    async replyWindow(questionId) {
      const found = await addressOfQuestion(questionId);
      return windowOf(found?.address ?? null, now());
    },

    async staffReply(p) {
      const at = now();
      const found = await addressOfQuestion(p.questionId);
      if (!found) return { queued: false, billed: false, reason: 'no_address' };
      const w = windowOf(found.address, at);
      if (!w.available) return { queued: false, billed: w.billed, reason: 'window_closed' };
      const digest = crypto.createHash('sha256').update(p.text).digest('hex').slice(0, 16);
      await db.tx(async (q) => {
        await deps.enqueue(q, { purpose: 'staff_reply', recipientId: found.userId, text: p.text, dedupeKey: `staff:${p.questionId}:${digest}` });
        await store.pauseConversation(q, { userKey: found.address.userKey, until: new Date(at.getTime() + deps.pauseMinutes * 60_000), reason: 'staff_reply', by: p.staff, at });
      });
      return { queued: true, billed: w.billed };
    },

    listPaused: () => store.listPaused(db, now()),
    resume: (userKey) => store.resumeConversation(db, userKey),

    async notifyAskers(p) {
      const since = new Date(now().getTime() - NOTICE_WINDOW_DAYS * 86_400_000);
      const askers = p.misconceptionId
        ? await store.askersOfMisconception(db, p.misconceptionId, since)
        : await store.askersOfQuestions(db, p.questionIds ?? [], since);
      let told = 0;
      // Pseudonym keys rotate, so one person may appear under two pseudonyms in 7 days; the
      // channel's user key is stable, so a person is told once per call even then.
      const reached = new Set<string>();
      for (const pseudonym of askers) {
        const address = await store.addressFor(db, pseudonym, now());
        const userId = address ? deps.seal.open(address.sealed) : null;
        if (!address || !userId) continue; // window closed: nobody to tell, and no way to find them
        if (reached.has(address.userKey)) continue;
        reached.add(address.userKey);
        const asked = await store.latestAsked(db, { pseudonym, since, questionIds: p.questionIds, misconceptionId: p.misconceptionId });
        const lang = asked?.lang ?? 'vi';
        const question = (asked?.question ?? '').slice(0, 120);
        const text = fill(pick(data.askerNotice[p.kind], lang), { question, answer: p.answer.slice(0, 1200), source: p.source });
        const queued = await db.tx(async (q) => {
          if (!(await store.claimAskerNotice(q, p.publishedKey, pseudonym))) return false;
          await deps.enqueue(q, { purpose: 'asker_notice', recipientId: userId, text, dedupeKey: `notice:${p.publishedKey}:${pseudonym}` });
          return true;
        });
        if (queued) told++;
      }
      return told;
    },

    noticesSent: (publishedKey) => store.noticesSent(db, publishedKey),

    async findPerson(userId) {
      const rows = await db.tx(async (q) => store.exportPerson(q, await personKeys(q, userId)));
      await db.tx((q) => store.recordDataRequest(q, { kind: 'find', via: 'dashboard', by: null, rows: {}, at: now() }));
      return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.length]));
    },

    async exportPerson(userId, staff) {
      return db.tx(async (q) => {
        const rows = await store.exportPerson(q, await personKeys(q, userId));
        await store.recordDataRequest(q, { kind: 'export', via: 'dashboard', by: staff, rows: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.length])), at: now() });
        return rows;
      });
    },

    deletePerson: (userId, staff) => db.tx((q) => deleteAll(q, userId, 'dashboard', staff)),
    dataRequests: () => store.listDataRequests(db),

    async feedback(since) {
      const [byTopic, byDocument, negative] = await Promise.all([store.feedbackBy(db, 'topic', since), store.feedbackBy(db, 'document', since), store.negativeAnswers(db, since)]);
      return { byTopic, byDocument, negative };
    },

    async scrub() {
      const at = now();
      const addresses = await store.scrubExpiredAddresses(db, at);
      await store.scrubSessions(db, new Date(at.getTime() - CONVERSATION_GAP_HOURS * 3_600_000), at);
      return { addresses };
    },
  };
}
