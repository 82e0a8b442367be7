// Dashboard behaviour shared by every page: the phone menu toggle. No inline scripts anywhere
// (CSP script-src 'self'); this file only enhances pages that also work without it.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var button = document.querySelector('.nav-toggle');
  var nav = document.getElementById('nav');
  if (!button || !nav) return;
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', open ? 'false' : 'true');
    nav.classList.toggle('open', !open);
  });
})();
