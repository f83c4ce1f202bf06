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
 * subscribe flow are those of the Alerts pages: this file imports the module /js/subscribe-ui.js
 * from the Alerts origin, and fetches the card's stylesheet /css/alerts-widget.css from there too.
 * It talks to the Alerts API across origins (CORS).
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

  // A module, so this classic script imports it; the browser fetches it (and the modules it imports)
  // with CORS, which the Alerts server allows for its embed files from any site.
  function loadInterface() {
    return import(apiBase + '/js/subscribe-ui.js');
  }

  function loadStyles() {
    return fetch(apiBase + '/css/alerts-widget.css', { mode: 'cors', credentials: 'omit' }).then(function (response) {
      if (!response.ok) throw new Error('could not load ' + response.url + ' (' + response.status + ')');
      return response.text();
    });
  }

  function documentReady() {
    return new Promise(function (resolve) {
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { resolve(); }, { once: true });
      else resolve();
    });
  }

  /** Our own styles, scoped to .alerts-widget; a constructed sheet where possible, so a strict style-src CSP does not block it. */
  function addStyles(css) {
    try {
      if ('adoptedStyleSheets' in document && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
        return;
      }
    } catch (e) {
      // Fall back to a <style> element below.
    }
    const style = document.createElement('style');
    style.textContent = css;
    document.head.appendChild(style);
  }

  function start(UI) {
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

  const styles = loadStyles().catch(function (error) {
    // The card still works unstyled; say why it looks wrong.
    console.warn('Alerts: the notification widget\'s stylesheet could not be loaded: ' + ((error && error.message) || error));
    return null;
  });

  Promise.all([loadInterface(), styles, documentReady()])
    .then(function (loaded) {
      if (loaded[1] !== null) addStyles(loaded[1]);
      start(loaded[0]);
    })
    .catch(function (error) {
      console.error('Alerts: the notification widget could not start: ' + ((error && error.message) || error));
    });
})();
