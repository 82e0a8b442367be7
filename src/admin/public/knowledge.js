// Tri thức page: start a re-index without leaving the page and show its progress by polling
// /admin/knowledge/reindex/status. Without JavaScript the form posts and the page reloads.
(function () {
  'use strict';
  var form = document.getElementById('reindex-form');
  var bar = document.getElementById('reindex-progress');
  var text = document.getElementById('reindex-status');
  if (!form || !bar || !text) return;
  var button = form.querySelector('button');
  var token = document.querySelector('meta[name="csrf-token"]');

  function show(s) {
    bar.max = s.total || 1;
    bar.value = s.done || 0;
    text.textContent = s.text;
    text.setAttribute('data-running', s.running ? '1' : '0');
    if (button) button.disabled = !!s.running;
  }
  function poll() {
    fetch('/admin/knowledge/reindex/status', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (s) { show(s); if (s.running) setTimeout(poll, 700); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'x-csrf-token': token ? token.getAttribute('content') : '' },
    })
      .then(function (r) { return r.json(); })
      .then(function (s) { s.text = s.running ? 'Đang chuẩn bị…' : (s.text || ''); show(s); poll(); })
      .catch(function () { text.textContent = 'Không bắt đầu được. Hãy tải lại trang.'; });
  });
  if (text.getAttribute('data-running') === '1') poll();
})();

// Review gate: "Chọn tất cả" ticks every listed document (hidden without JavaScript, where each
// box is ticked by hand).
(function () {
  'use strict';
  var all = document.getElementById('rv-all');
  var form = document.getElementById('review-form');
  if (!all || !form) return;
  all.hidden = false;
  all.addEventListener('change', function () {
    var boxes = form.querySelectorAll('input[name="ids"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
  });
})();
