// FAQ editor: the Zalo-bubble preview follows the answer and source fields as staff type. Without
// JavaScript the "Xem trước" button renders the same preview on the server.
(function () {
  'use strict';
  var answer = document.getElementById('e-answer');
  var source = document.getElementById('e-source');
  var bubble = document.getElementById('preview-bubble');
  if (!answer || !source || !bubble) return;
  function update() {
    var a = answer.value.trim() || '(câu trả lời)';
    var s = source.value.trim();
    bubble.textContent = s ? a + '\nNguồn: ' + s : a;
  }
  answer.addEventListener('input', update);
  source.addEventListener('input', update);
})();
