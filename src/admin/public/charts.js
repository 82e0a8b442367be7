// Draws the dashboard charts with Chart.js (served from /admin/static/chart.umd.js). Data comes
// from <script type="application/json"> blocks on the page; canvases name their block with
// data-source (and data-key for one entry of a keyed block).
(function () {
  'use strict';
  if (typeof window.Chart === 'undefined') return;
  var Chart = window.Chart;
  var COLORS = { answered: '#1b6e3a', misconception: '#b3261e', out_of_scope: '#8a6d00', smalltalk: '#5b6b7a', users: '#0b57a4' };
  var NAMES = { answered: 'Đã trả lời', misconception: 'Đã đính chính', out_of_scope: 'Chưa trả lời được', smalltalk: 'Chào hỏi' };
  var blocks = {};
  function data(id) {
    if (!(id in blocks)) {
      var el = document.getElementById(id);
      try { blocks[id] = el ? JSON.parse(el.textContent || 'null') : null; } catch { blocks[id] = null; }
    }
    return blocks[id];
  }
  // No animation: staff read numbers, and a chart caught mid-animation misleads (screenshots, printing).
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var kind = canvas.getAttribute('data-chart');
    var source = data(canvas.getAttribute('data-source'));
    if (!source) return;
    if (kind === 'daily') {
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: source.labels,
          datasets: ['answered', 'misconception', 'out_of_scope', 'smalltalk'].map(function (k) {
            return { label: NAMES[k], data: source.series[k], backgroundColor: COLORS[k], stack: 'q' };
          }),
        },
        options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
      });
    } else if (kind === 'trend') {
      var entry = source[canvas.getAttribute('data-key')];
      if (!entry) return;
      new Chart(canvas, {
        type: 'line',
        data: { labels: entry.labels, datasets: [{ label: 'Số người hỏi', data: entry.users, borderColor: COLORS.users, backgroundColor: COLORS.users, tension: 0.2, pointRadius: 2 }] },
        options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
      });
    }
    canvas.setAttribute('data-drawn', '1');
  });
})();
