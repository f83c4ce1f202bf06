/*
 * Alerts for a publisher's own site.
 *
 *   <script src="https://alerts.example.com/alerts.js" data-sections="world,sports" data-worker="/alerts-sw.js" async></script>
 *
 * and, on the publisher's origin, the one-line worker /alerts-sw.js:
 *   self.ALERTS_ORIGIN = 'https://alerts.example.com'; importScripts(self.ALERTS_ORIGIN + '/sw.js');
 *
 * Attributes of the script tag (all optional):
 *   data-sections  section ids to offer, comma separated (default: every section); they start ticked
 *   data-worker    URL of the one-line worker on the publisher's origin (default /alerts-sw.js)
 *   data-scope     service worker scope (default: the worker's folder)
 *   data-title     heading of the card (default "Desktop notifications")
 *
 * The soft prompt appears in a card in the bottom corner, or inside an element with id
 * "alerts-widget" when the page has one. Any element with a data-alerts-open attribute, or a call
 * to window.AlertsWidget.open(), opens it again after "Not now". The prompt, the chooser and the
 * subscribe flow are those of the Alerts pages: this file loads /js/subscribe-ui.js from the
 * Alerts origin and uses it. It talks to the Alerts API across origins (CORS).
 */
(function () {
  'use strict';

  if (window.AlertsWidget) return;

  const script = document.currentScript || Array.prototype.find.call(
    document.querySelectorAll('script[src]'),
    function (s) { return /\/alerts\.js(?:[?#]|$)/.test(s.src); }
  );
  if (!script || !script.src) return;

  const apiBase = new URL(script.src, document.baseURI).origin;
  const settings = {
    sections: (script.getAttribute('data-sections') || '').split(',').map(function (s) { return s.trim(); }).filter(Boolean),
    workerUrl: script.getAttribute('data-worker') || '/alerts-sw.js',
    workerScope: script.getAttribute('data-scope') || undefined,
    title: script.getAttribute('data-title') || 'Desktop notifications'
  };

  const STYLES = [
    '.alerts-widget{box-sizing:border-box;font:400 15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#17231e;text-align:left;letter-spacing:normal}',
    '.alerts-widget *,.alerts-widget *::before,.alerts-widget *::after{box-sizing:inherit}',
    '.alerts-widget [hidden]{display:none!important}',
    '.alerts-widget--floating{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:min(24rem,calc(100vw - 32px));max-height:calc(100vh - 32px);overflow:auto;background:#fff;border:1px solid #c9d6cf;border-top:4px solid #0b5d3f;border-radius:10px;box-shadow:0 10px 30px rgba(0,0,0,.22)}',
    '.alerts-widget--floating[hidden]{display:none!important}',
    '.alerts-widget--inline{display:block;background:#fff;border:1px solid #c9d6cf;border-top:4px solid #0b5d3f;border-radius:10px;max-width:40rem}',
    '.alerts-widget__header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 12px 0 16px}',
    '.alerts-widget__title{margin:0;font-size:1.05rem;font-weight:700;color:#0b3d2e;line-height:1.3}',
    '.alerts-widget__close{flex:none;width:40px;height:40px;border:0;border-radius:50%;background:transparent;color:#33443c;font-size:24px;line-height:1;cursor:pointer}',
    '.alerts-widget__close:hover{background:#e8f0ec}',
    '.alerts-widget__body{padding:8px 16px 16px}',
    '.alerts-widget--inline .alerts-widget__body{padding:16px}',
    '.alerts-widget p{margin:0 0 8px}',
    '.alerts-widget h2,.alerts-widget h3{margin:4px 0 8px;font-size:1rem;font-weight:700;color:#0b3d2e;line-height:1.3}',
    '.alerts-widget a{color:#0b5d3f;text-decoration:underline}',
    '.alerts-widget :focus-visible{outline:3px solid #f2b705;outline-offset:2px}',
    '.alerts-widget .alerts-prompt__text{font-size:1.05rem;font-weight:600;color:#17231e}',
    '.alerts-widget .alerts-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}',
    '.alerts-widget .alerts-button{display:inline-flex;align-items:center;justify-content:center;min-height:44px;margin:0;padding:8px 16px;border:2px solid #0b5d3f;border-radius:6px;font:inherit;font-weight:600;text-decoration:none;cursor:pointer;background:#fff;color:#0b5d3f}',
    '.alerts-widget .alerts-button--primary{background:#0b5d3f;color:#fff}',
    '.alerts-widget .alerts-button--primary:hover{background:#084a32}',
    '.alerts-widget .alerts-button--secondary:hover{background:#e8f0ec}',
    '.alerts-widget .alerts-button--danger{border-color:#a3161c;color:#a3161c}',
    '.alerts-widget .alerts-button--danger:hover{background:#fbeaea}',
    '.alerts-widget .alerts-button--link{border-color:transparent;background:transparent;text-decoration:underline;padding-left:4px;padding-right:4px;min-height:0}',
    '.alerts-widget .alerts-button[aria-disabled=true]{opacity:.6;cursor:progress}',
    '.alerts-widget .alerts-fieldset{margin:0 0 12px;padding:0;border:0;min-width:0}',
    '.alerts-widget .alerts-legend{padding:0;margin:0 0 4px;font-weight:700;color:#0b3d2e}',
    '.alerts-widget .alerts-hint{margin:0;font-size:.85rem;color:#4d5e56}',
    '.alerts-widget .alerts-options{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:2px 12px;margin-top:6px}',
    '.alerts-widget .alerts-check{display:flex;align-items:center;gap:8px;min-height:36px}',
    '.alerts-widget .alerts-choice{display:grid;grid-template-columns:auto 1fr;column-gap:8px;align-items:center;margin:6px 0}',
    '.alerts-widget .alerts-choice .alerts-hint{grid-column:2}',
    '.alerts-widget .alerts-choice label{font-weight:600}',
    '.alerts-widget input[type=checkbox],.alerts-widget input[type=radio]{width:20px;height:20px;margin:0;accent-color:#0b5d3f}',
    '.alerts-widget label{cursor:pointer}',
    '.alerts-widget .alerts-field{display:flex;flex-direction:column;gap:2px}',
    '.alerts-widget .alerts-field--nested{margin:0 0 8px 28px;max-width:10rem}',
    '.alerts-widget .alerts-times{display:flex;flex-wrap:wrap;gap:12px;margin-left:28px}',
    '.alerts-widget input[type=time]{min-height:40px;padding:4px 8px;border:1px solid #7d8e86;border-radius:6px;font:inherit;background:#fff;color:#17231e}',
    '.alerts-widget input[type=time]:disabled{background:#eef1ef;color:#6b7a73}',
    '.alerts-widget .alerts-timezone{font-size:.85rem;color:#4d5e56}',
    '.alerts-widget .alerts-status{margin:8px 0 0;border-radius:6px}',
    '.alerts-widget .alerts-status[data-state]{padding:8px 12px;border-left:4px solid #0b5d3f;background:#e8f0ec}',
    '.alerts-widget .alerts-status[data-state=error],.alerts-widget .alerts-status[data-state=denied],.alerts-widget .alerts-status[data-state=unsupported]{border-left-color:#a3161c;background:#fbeaea;color:#5f0b0f}',
    '.alerts-widget .alerts-status[data-state=pending]{border-left-color:#7d8e86;background:#f1f3f2}',
    '.alerts-widget .alerts-summary{margin-top:8px}',
    '.alerts-widget .alerts-summary:focus{outline:none}',
    '.alerts-widget .alerts-summary__text{font-weight:600}',
    '@media (max-width:480px){.alerts-widget--floating{right:8px;left:8px;bottom:8px;width:auto;max-height:calc(100vh - 16px)}}'
  ].join('\n');

  let widget = null;
  let openRequested = false;

  window.AlertsWidget = {
    open: function () {
      if (widget) widget.open();
      else openRequested = true;
    }
  };

  document.addEventListener('click', function (event) {
    const target = event.target instanceof Element ? event.target.closest('[data-alerts-open]') : null;
    if (!target) return;
    event.preventDefault();
    window.AlertsWidget.open();
  });

  function loadInterface() {
    if (window.AlertsUI) return Promise.resolve(window.AlertsUI);
    return new Promise(function (resolve, reject) {
      const loader = document.createElement('script');
      loader.src = apiBase + '/js/subscribe-ui.js';
      loader.async = true;
      if (script.nonce) loader.nonce = script.nonce;
      loader.addEventListener('load', function () {
        if (window.AlertsUI) resolve(window.AlertsUI);
        else reject(new Error('subscribe-ui.js loaded without defining AlertsUI'));
      });
      loader.addEventListener('error', function () { reject(new Error('could not load ' + loader.src)); });
      document.head.appendChild(loader);
    });
  }

  function documentReady() {
    return new Promise(function (resolve) {
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { resolve(); }, { once: true });
      else resolve();
    });
  }

  /** Our own styles, scoped to .alerts-widget; a constructed sheet where possible, so a strict style-src CSP does not block it. */
  function addStyles() {
    try {
      if ('adoptedStyleSheets' in document && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLES);
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
        return;
      }
    } catch (e) {
      // Fall back to a <style> element below.
    }
    const style = document.createElement('style');
    style.textContent = STYLES;
    document.head.appendChild(style);
  }

  function start(UI) {
    addStyles();
    const el = UI.el;
    const api = UI.createApi(apiBase);
    const sections = api.sections();
    sections.catch(function () { /* the views report it */ });

    const inline = document.getElementById('alerts-widget');
    let host;
    let body;
    if (inline) {
      host = inline;
      host.classList.add('alerts-widget', 'alerts-widget--inline');
      host.setAttribute('role', 'region');
      host.setAttribute('aria-label', settings.title);
      body = el('div', { className: 'alerts-widget__body' });
      host.replaceChildren(body);
    } else {
      const close = el('button', { type: 'button', className: 'alerts-widget__close', 'aria-label': 'Close', text: '\u00d7' });
      body = el('div', { className: 'alerts-widget__body' });
      host = el('section', { className: 'alerts-widget alerts-widget--floating', 'aria-labelledby': 'alerts-widget-title', hidden: true }, [
        el('div', { className: 'alerts-widget__header' }, [
          el('h2', { id: 'alerts-widget-title', className: 'alerts-widget__title', text: settings.title }),
          close
        ]),
        body
      ]);
      close.addEventListener('click', function () { closeCard(); });
      host.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') closeCard();
      });
      document.body.appendChild(host);
    }

    let view = null;
    let kind = null;

    function showSubscribe() {
      kind = 'subscribe';
      view = UI.mountSubscribe({
        api: api,
        container: body,
        host: host,
        sections: sections,
        offer: settings.sections,
        preselect: settings.sections,
        workerUrl: settings.workerUrl,
        workerScope: settings.workerScope,
        onManage: showManage,
        // A floating card stays out of the way of readers who already subscribed; it checks when opened.
        verifyOnLoad: !!inline,
        collapsible: !!inline,
        headingLevel: 3
      });
      return view;
    }

    function showManage() {
      kind = 'manage';
      host.hidden = false;
      view = UI.mountManage({
        api: api,
        container: body,
        sections: sections,
        offer: settings.sections,
        workerUrl: settings.workerUrl,
        headingLevel: 3,
        subscribeTarget: function () { showSubscribe().open(); },
        onBack: function () { showSubscribe().open(); }
      });
      view.ready.then(function () {
        const heading = body.querySelector('.alerts-form__heading');
        if (heading && !heading.closest('[hidden]')) heading.focus();
        else body.querySelector('#status-message').focus();
      });
    }

    function closeCard() {
      if (kind === 'subscribe' && !view.isSubscribed()) {
        view.dismiss();
        return;
      }
      host.hidden = true;
      if (kind !== 'subscribe') {
        // Back to the prompt view, closed: it comes back through data-alerts-open or AlertsWidget.open().
        UI.rememberDismissal();
        showSubscribe();
      }
    }

    function open() {
      if (kind !== 'subscribe') showSubscribe();
      return view.open();
    }

    showSubscribe();
    widget = { open: open };
    if (openRequested) open();
  }

  loadInterface()
    .then(function (UI) { return documentReady().then(function () { return UI; }); })
    .then(start)
    .catch(function (error) {
      console.error('Alerts: the notification widget could not start: ' + ((error && error.message) || error));
    });
})();
