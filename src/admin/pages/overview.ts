// Tổng quan (/admin): volume per day (chart), answered share, top topics, active
// misconception flags and delivery problems over the last 30 days.
import type { FastifyInstance } from 'fastify';
import { formatPercent, html, jsonBlock } from '../html.js';
import { label, TOPIC_LABEL } from '../labels.js';
import { page } from '../layout.js';
import type { PageDeps } from '../plugin.js';
import type { FlagView, Overview } from '../sources.js';
import { sendPage, unavailable } from './common.js';

const DAYS = 30;

/** Chart data for the daily volume chart: one entry per day, gaps filled with zero. */
export function dailySeries(byDay: Overview['byDay'], to: Date, days = DAYS) {
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
    const to = new Date();
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    const [ov, flags, failures, parked] = await Promise.all([
      deps.insights?.overview({ from, to }) ?? null,
      deps.insights?.listFlags() ?? ([] as FlagView[]),
      deps.delivery?.listFailures(500) ?? [],
      deps.delivery?.listParkedEvents(500) ?? [],
    ]);
    const active = flags.filter((f) => f.status === 'new' || f.status === 'confirmed');
    const chart = dailySeries(ov?.byDay ?? [], to);
    const body = html`
<section class="cards" aria-label="Số liệu 30 ngày qua">
  <div class="card"><span class="num">${ov?.total ?? 0}</span><span class="cap">câu hỏi trong 30 ngày</span></div>
  <div class="card"><span class="num">${formatPercent(ov?.answeredShare ?? 0)}</span><span class="cap">được trả lời có nguồn</span></div>
  <div class="card${active.length ? ' warn' : ''}"><a href="/admin/flags"><span class="num">${active.length}</span><span class="cap">nhận định sai đang theo dõi</span></a></div>
  <div class="card${failures.length + parked.length ? ' warn' : ''}"><a href="/admin/delivery"><span class="num">${failures.length + parked.length}</span><span class="cap">tin nhắn gửi lỗi</span></a></div>
</section>
${ov ? '' : unavailable('Thống kê câu hỏi')}
<section class="panel">
  <h2>Số câu hỏi mỗi ngày</h2>
  <div class="chart-box"><canvas id="chart-daily" data-chart="daily" data-source="chart-daily-data" role="img" aria-label="Biểu đồ số câu hỏi mỗi ngày trong 30 ngày qua, theo kết quả trả lời"></canvas></div>
  ${jsonBlock('chart-daily-data', chart)}
</section>
<div class="two-col">
<section class="panel">
  <h2>Chủ đề được hỏi nhiều</h2>
  ${ov?.topTopics.length
    ? html`<table><thead><tr><th scope="col">Chủ đề</th><th scope="col" class="r">Số câu</th></tr></thead><tbody>
      ${ov.topTopics.map((t) => html`<tr><td>${label(TOPIC_LABEL, t.topic)}</td><td class="r">${t.count}</td></tr>`)}
    </tbody></table>`
    : html`<p class="muted">Chưa có dữ liệu.</p>`}
</section>
<section class="panel">
  <h2>Nhận định sai đang theo dõi</h2>
  ${active.length
    ? html`<ul class="plain">${active.slice(0, 8).map((f) => html`<li><a href="/admin/flags#flag-${f.id}">${f.claim}</a> <span class="muted">(${f.distinctUsers7d} người / 7 ngày)</span></li>`)}</ul>`
    : html`<p class="muted">Không có cờ nào đang mở.</p>`}
</section>
</div>
${ov?.topQuestions.length
  ? html`<section class="panel"><h2>Câu hỏi lặp lại nhiều</h2><ol>${ov.topQuestions.slice(0, 10).map((q) => html`<li><span class="citizen">${q.question}</span> <span class="muted">× ${q.count}</span></li>`)}</ol></section>`
  : ''}`;
    return sendPage(reply, page(req, { title: 'Tổng quan', active: 'overview', body, scripts: ['chart.umd.js', 'charts.js'] }));
  });
}
