// Tổng quan (/admin): for a chosen period (Hôm nay, 7 ngày, 30 ngày, Tháng này, or custom dates),
// the questions per day (chart), the answered share, open false-claim flags and undelivered
// messages, each compared with the period before and linked to the filtered list behind it; the
// most-asked topics; questions repeated by meaning. A fresh install says what to do first.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatNumber, formatPercent, html, jsonBlock } from '../html.js';
import { label, TOPIC_LABEL } from '../labels.js';
import { page } from '../layout.js';
import { compareText, resolvePeriod } from '../periods.js';
import type { PageDeps } from '../plugin.js';
import type { FlagView, Overview } from '../sources.js';
import { flashFromQuery, sendPage, unavailable, vnToday } from './common.js';
import { presetLinks } from './questions.js';
import { trendMarker } from './flags.js';

const Query = z.object({
  range: z.enum(['today', '7d', '30d', 'month']).optional().catch(undefined),
  from: z.string().max(10).optional().catch(undefined),
  to: z.string().max(10).optional().catch(undefined),
});

/** Chart data for the daily volume chart: one entry per day from `fromDay` to `toDay`, gaps filled with zero. */
export function dailySeries(byDay: Overview['byDay'], to: Date, days = 30) {
  const index = new Map(byDay.map((d) => [d.day.slice(0, 10), d]));
  const labels: string[] = [];
  const series = { answered: [] as number[], misconception: [] as number[], out_of_scope: [] as number[], smalltalk: [] as number[] };
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(to.getTime() + 7 * 3600_000 - i * 86_400_000).toISOString().slice(0, 10);
    const d = index.get(day);
    labels.push(day.slice(8, 10) + '/' + day.slice(5, 7));
    series.answered.push(d?.answered ?? 0);
    series.misconception.push(d?.misconception ?? 0);
    series.out_of_scope.push(d?.out_of_scope ?? 0);
    series.smalltalk.push(d?.smalltalk ?? 0);
  }
  return { labels, series };
}

export function overviewRoutes(admin: FastifyInstance, deps: PageDeps): void {
  admin.get('/', { preHandler: deps.auth.requireRole('viewer') }, async (req, reply) => {
    const q = Query.parse(req.query ?? {});
    const now = new Date();
    const period = resolvePeriod(q, now, '7d')!;
    const range = { from: period.from, to: period.to < now ? period.to : now };
    const [ov, before, flags, failures, parked, repeated, review] = await Promise.all([
      deps.insights?.overview(range) ?? null,
      deps.insights?.overview(period.prev) ?? null,
      deps.insights?.listFlags() ?? ([] as FlagView[]),
      deps.delivery?.listFailures(500) ?? [],
      deps.delivery?.listParkedEvents(500) ?? [],
      deps.insights?.repeatedQuestions(range, 10) ?? [],
      deps.knowledge?.reviewQueue(vnToday(now)) ?? [],
    ]);
    const stale = review.filter((d) => d.stale).length;
    const active = flags.filter((f) => f.status === 'new' || f.status === 'confirmed');
    const days = Math.max(1, Math.min(92, Math.round((period.to.getTime() - period.from.getTime()) / 86_400_000)));
    const chart = dailySeries(ov?.byDay ?? [], new Date(period.to.getTime() - 1), days);
    const undelivered = failures.length + parked.length;
    const rangeQs = period.key === 'custom' ? `from=${period.fromDay}&to=${period.toDay}` : `range=${period.key}`;
    const fresh = ov !== null && ov.total === 0 && (before?.total ?? 0) === 0;
    const share = ov && ov.total > 0 && ov.total - (ov.byOutcome.smalltalk ?? 0) > 0 ? ov.answeredShare : null;
    const body = html`
${presetLinks('/admin', {}, period.key === 'custom' ? undefined : period.key)}
<form method="get" action="/admin" class="presets no-print" aria-label="Chọn ngày">
  <label for="o-from" class="small">Từ</label><input id="o-from" name="from" type="date" value="${period.fromDay}">
  <label for="o-to" class="small">đến</label><input id="o-to" name="to" type="date" value="${period.toDay}">
  <button type="submit">Xem</button>
</form>
<p class="period">Số liệu ${period.text}, so với ${period.key === 'today' ? 'hôm qua' : 'khoảng thời gian ngay trước đó'}.</p>
${fresh
  ? html`<section class="panel"><h2>Bắt đầu</h2><p>Chưa có câu hỏi nào. Các bước tiếp theo:</p><ol class="empty-steps">
  <li>Kết nối OA Zalo của xã: làm theo hướng dẫn trong tệp <code>docs/zalo-setup.md</code> (bộ phận kỹ thuật).</li>
  <li><a href="/admin/try">Thử hỏi trợ lý</a> vài câu người dân hay hỏi để xem cách trả lời.</li>
  <li><a href="/admin/knowledge">Bổ sung tri thức</a>: tải lên văn bản, lịch, thông báo của xã, hoặc soạn câu hỏi thường gặp.</li>
</ol></section>`
  : ''}
${stale
  ? html`<p class="flash flash-error" role="status" id="stale-warning"><strong>${stale} tài liệu đã quá hạn xem lại</strong>: phí, giờ mở cửa hoặc lịch sự kiện có thể đã thay đổi, trợ lý vẫn đang dùng chúng. <a href="/admin/knowledge?show=stale">Xem và duyệt lại</a></p>`
  : ''}
<section class="cards" aria-label="Số liệu ${period.text}">
  <div class="card"><a href="/admin/questions?${rangeQs}"><span class="num">${formatNumber(ov?.total ?? 0)}</span><span class="cap">câu hỏi</span><span class="delta">${compareText(ov?.total ?? 0, before?.total ?? 0)}</span></a></div>
  <div class="card"><a href="/admin/questions?${rangeQs}&outcome=out_of_scope"><span class="num">${formatPercent(share)}</span><span class="cap">được trả lời có nguồn</span><span class="delta">${formatNumber(ov?.byOutcome.out_of_scope ?? 0)} câu chưa trả lời được</span></a></div>
  <div class="card${active.length ? ' warn' : ''}"><a href="/admin/flags"><span class="num">${active.length}</span><span class="cap">thông tin sai lệch đang theo dõi</span></a></div>
  <div class="card${undelivered ? ' warn' : ''}"><a href="/admin/delivery"><span class="num">${undelivered}</span><span class="cap">tin chưa gửi được</span></a></div>
</section>
${ov ? '' : unavailable('Thống kê câu hỏi')}
<section class="panel">
  <h2>Số câu hỏi mỗi ngày</h2>
  <div class="chart-box"><canvas id="chart-daily" data-chart="daily" data-source="chart-daily-data" role="img" aria-label="Biểu đồ số câu hỏi mỗi ngày, ${period.text}, theo kết quả trả lời"></canvas></div>
  ${jsonBlock('chart-daily-data', chart)}
  <details><summary>Bảng số liệu</summary><div class="table-wrap"><table class="small"><thead><tr><th scope="col">Ngày</th><th scope="col" class="r">Đã trả lời</th><th scope="col" class="r">Đã đính chính</th><th scope="col" class="r">Chưa trả lời được</th><th scope="col" class="r">Chào hỏi</th></tr></thead>
  <tbody>${chart.labels.map((l, i) => html`<tr><td>${l}</td><td class="r">${chart.series.answered[i]}</td><td class="r">${chart.series.misconception[i]}</td><td class="r">${chart.series.out_of_scope[i]}</td><td class="r">${chart.series.smalltalk[i]}</td></tr>`)}</tbody></table></div></details>
</section>
<div class="two-col">
<section class="panel">
  <h2>Chủ đề được hỏi nhiều</h2>
  ${ov?.topTopics.length
    ? html`<table><thead><tr><th scope="col">Chủ đề</th><th scope="col" class="r">Số câu</th></tr></thead><tbody>
      ${ov.topTopics.map((t) => html`<tr><td>${TOPIC_LABEL[t.topic] ? html`<a href="/admin/questions?${rangeQs}&topic=${t.topic}">${label(TOPIC_LABEL, t.topic)}</a>` : 'Không xác định'}</td><td class="r">${t.count}</td></tr>`)}
    </tbody></table>`
    : html`<p class="muted">Chưa có dữ liệu trong khoảng thời gian này.</p>`}
</section>
<section class="panel">
  <h2>Thông tin sai lệch đang theo dõi</h2>
  ${active.length
    ? html`<ul class="plain">${active.slice(0, 8).map((f) => html`<li><a href="/admin/flags/${f.id}">${f.claim}</a> <span class="muted">(${f.distinctUsers7d} người / 7 ngày)</span> ${trendMarker(f)}</li>`)}</ul>`
    : html`<p class="muted">Không có cảnh báo nào đang mở.</p>`}
</section>
</div>
<section class="panel"><h2>Câu hỏi lặp lại nhiều</h2>
  <p class="muted small">Các cách hỏi cùng một ý được gộp lại; chỉ hiện những ý được hỏi từ 2 lần.</p>
  ${repeated.length
    ? html`<ol>${repeated.map((r) => html`<li><a class="citizen" href="/admin/questions?${rangeQs}&q=${encodeURIComponent(r.label.slice(0, 60))}">${r.label}</a> <span class="muted">× ${r.count} (${r.people} người)</span></li>`)}</ol>`
    : html`<p class="muted">Chưa có câu nào được hỏi lại trong khoảng thời gian này.</p>`}
</section>`;
    return sendPage(reply, page(req, { title: 'Tổng quan', active: 'overview', body, flash: flashFromQuery(req.query), scripts: ['chart.umd.js', 'charts.js'] }));
  });
}
