// Date presets shared by the overview, "Câu hỏi" and the weekly report: today, the last 7 or 30
// days, this calendar month, or a custom range; each with the period of the same length before it,
// for "compared with the period before". Days are calendar days in the commune (UTC+7).
import { formatYmd } from './html.js';

export type PresetKey = 'today' | '7d' | '30d' | 'month' | 'custom' | 'all';

export const PRESETS: Array<{ key: Exclude<PresetKey, 'custom' | 'all'>; label: string }> = [
  { key: 'today', label: 'Hôm nay' },
  { key: '7d', label: '7 ngày' },
  { key: '30d', label: '30 ngày' },
  { key: 'month', label: 'Tháng này' },
];

const DAY = 86_400_000;
const OFFSET = 7 * 3600_000;

export interface Period {
  key: PresetKey;
  /** Inclusive start and exclusive end, as instants. */
  from: Date;
  to: Date;
  /** The calendar days shown to staff (YYYY-MM-DD, inclusive). */
  fromDay: string;
  toDay: string;
  /** The period of the same length just before. */
  prev: { from: Date; to: Date };
  /** "01/12/2026 – 07/12/2026" */
  text: string;
}

export const ymd = (d: Date): string => new Date(d.getTime() + OFFSET).toISOString().slice(0, 10);
export const dayStart = (day: string): Date => new Date(`${day}T00:00:00+07:00`);
const validDay = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(dayStart(s).getTime());

/**
 * The period a page shows. `range` picks a preset; otherwise `from`/`to` (YYYY-MM-DD, either may be
 * missing) make a custom range; with neither, `fallback` applies. A start after the end is swapped
 * rather than silently matching nothing.
 */
export function resolvePeriod(q: { range?: string; from?: string; to?: string }, now: Date, fallback: PresetKey = '30d'): Period | null {
  const today = ymd(now);
  const key: PresetKey = (['today', '7d', '30d', 'month'] as const).find((k) => k === q.range) ?? (validDay(q.from) || validDay(q.to) ? 'custom' : fallback);
  let fromDay: string;
  let toDay = today;
  switch (key) {
    case 'today': fromDay = today; break;
    case '7d': fromDay = ymd(new Date(dayStart(today).getTime() - 6 * DAY)); break;
    case '30d': fromDay = ymd(new Date(dayStart(today).getTime() - 29 * DAY)); break;
    case 'month': fromDay = today.slice(0, 8) + '01'; break;
    case 'custom':
      fromDay = validDay(q.from) ? q.from : '2000-01-01';
      toDay = validDay(q.to) ? q.to : today;
      if (fromDay > toDay) [fromDay, toDay] = [toDay, fromDay];
      break;
    default:
      return null;
  }
  const from = dayStart(fromDay);
  const to = new Date(dayStart(toDay).getTime() + DAY);
  const len = to.getTime() - from.getTime();
  const text = fromDay === toDay ? formatYmd(fromDay) : `${formatYmd(fromDay)} – ${formatYmd(toDay)}`;
  return { key, from, to, fromDay, toDay, prev: { from: new Date(from.getTime() - len), to: from }, text };
}

/** "+12%", "−30%", "bằng kỳ trước", or "—" when the period before had nothing. */
export function compareText(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'bằng kỳ trước' : 'kỳ trước: 0';
  const pct = Math.round(((now - before) / before) * 100);
  if (pct === 0) return 'bằng kỳ trước';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct)}% so với kỳ trước (${before})`;
}
