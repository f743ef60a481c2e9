// The docs site's only script: the unified / side-by-side switch (remembered when the browser allows it)
// and the copy buttons. Without it, the pages still read: unified diffs, plain commands.
(() => {
  const root = document.documentElement;
  root.classList.add('js');

  function remembered() {
    try {
      return window.localStorage.getItem('diff-view');
    } catch (_e) {
      return null;
    }
  }
  function remember(view) {
    try {
      window.localStorage.setItem('diff-view', view);
    } catch (_e) {
      /* file:// may forbid it */
    }
  }
  function setView(view) {
    if (view !== 'split') view = 'unified';
    root.setAttribute('data-diff-view', view);
    const buttons = document.querySelectorAll('.view-switch button');
    for (let i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-view') === view));
    }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise((resolve, reject) => {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (_e) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error('copy refused'));
    });
  }

  function init() {
    setView(remembered() || 'unified');
    document.addEventListener('click', (event) => {
      const target = event.target;
      if (!(target instanceof Element)) return;
      const viewButton = target.closest('.view-switch button');
      if (viewButton) {
        const view = viewButton.getAttribute('data-view');
        setView(view);
        remember(view);
        return;
      }
      const copy = target.closest('button.copy');
      if (copy) {
        const label = copy.textContent;
        copyText(copy.getAttribute('data-copy') || '').then(
          () => {
            copy.textContent = copy.getAttribute('data-done') || label;
            copy.classList.add('done');
            setTimeout(() => {
              copy.textContent = label;
              copy.classList.remove('done');
            }, 1500);
          },
          () => {
            /* the command stays visible to select by hand */
          },
        );
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
