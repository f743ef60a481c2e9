// The docs site's only script: the unified / side-by-side switch (remembered when the browser allows it)
// and the copy buttons. Without it, the pages still read: unified diffs, plain commands.
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  function remembered() {
    try { return window.localStorage.getItem('diff-view'); } catch (e) { return null; }
  }
  function remember(view) {
    try { window.localStorage.setItem('diff-view', view); } catch (e) { /* file:// may forbid it */ }
  }
  function setView(view) {
    if (view !== 'split') view = 'unified';
    root.setAttribute('data-diff-view', view);
    var buttons = document.querySelectorAll('.view-switch button');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-view') === view));
    }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error('copy refused'));
    });
  }

  function init() {
    setView(remembered() || 'unified');
    document.addEventListener('click', function (event) {
      var target = event.target;
      if (!(target instanceof Element)) return;
      var viewButton = target.closest('.view-switch button');
      if (viewButton) {
        var view = viewButton.getAttribute('data-view');
        setView(view);
        remember(view);
        return;
      }
      var copy = target.closest('button.copy');
      if (copy) {
        var label = copy.textContent;
        copyText(copy.getAttribute('data-copy') || '').then(function () {
          copy.textContent = copy.getAttribute('data-done') || label;
          copy.classList.add('done');
          setTimeout(function () { copy.textContent = label; copy.classList.remove('done'); }, 1500);
        }, function () { /* the command stays visible to select by hand */ });
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
