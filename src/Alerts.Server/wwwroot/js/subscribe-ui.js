/*
 * Alerts reader interface: the soft prompt, the section chooser, the subscribe flow and the
 * "manage notifications" form.
 *
 * A classic script (no modules, no build step) so that the same file serves
 *   - the reader pages on the Alerts server: <script src="/js/subscribe-ui.js" data-page="front|notifications|digest" defer>
 *     (data-page starts that page once the document is parsed);
 *   - alerts.js on a publisher's own site, which loads this file from the Alerts origin and calls
 *     window.AlertsUI.mountSubscribe / mountManage itself.
 *
 * What it keeps on the device (the service worker, sw.js, reads the IndexedDB copy):
 *   localStorage "alerts.subscription"                         JSON of the record below
 *   IndexedDB "alerts" (version 1), store "subscription", key "current"   the record itself
 *   record = {id, token, apiBase, vapidPublicKey, preferences: {sections, delivery, quietHours, timeZone, paused}, savedAt}
 * The IndexedDB copy wins when the two differ: the service worker may renew the subscription, and
 * receive a new token, while no page is open, and a worker cannot write localStorage.
 */
(function (global) {
  'use strict';

  if (global.AlertsUI) return;

  const STORAGE_KEY = 'alerts.subscription';
  const DISMISSED_KEY = 'alerts.softPromptDismissedUntil';
  const DISMISS_DAYS = 7;
  const DB_NAME = 'alerts';
  const DB_VERSION = 1;
  const DB_STORE = 'subscription';
  const DB_RECORD = 'current';
  const DEFAULT_DIGEST_TIME = '08:00';
  const DEFAULT_QUIET_FROM = '22:00';
  const DEFAULT_QUIET_TO = '07:00';
  const DATE_LOCALE = 'en-GB';

  const TEXT = {
    prompt: 'Get desktop notifications for the stories you care about',
    unsupported: 'Your browser does not support desktop notifications.',
    blocked: 'Notifications are blocked for this site. To allow them, click the padlock or the site information icon ' +
      'next to the web address, open the site settings, set Notifications to "Allow", then reload this page and press Subscribe again.',
    notAllowed: 'You closed the browser\'s question without allowing notifications. Press Subscribe again and choose "Allow" ' +
      'to get them.',
    unreachable: 'the notification service could not be reached. Check your connection and try again.',
    pushServiceFailed: 'your browser could not reach its notification service. Please try again in a moment.',
    subscribed: 'Thank you. Notifications are on for this device.',
    alreadySubscribed: 'Notifications are on for this device.',
    notSubscribed: 'This device is not subscribed to notifications.',
    subscriptionGone: 'We could not find your subscription on this device. It may have been cancelled.',
    keyRejected: 'This device\'s subscription key was not accepted, so your settings cannot be changed from here. ' +
      'Please subscribe again.',
    saved: 'Your changes are saved.',
    paused: 'Notifications are paused. You will not get any until you resume them.',
    resumed: 'Notifications are on again.',
    unsubscribed: 'You have unsubscribed. You will not get notifications from us on this device any more.'
  };

  // ---------------------------------------------------------------- small helpers

  /** Creates an element. props: className, text, dataset, on<event> listeners, other attributes. */
  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        const value = props[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'className') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key.slice(0, 2) === 'on' && typeof value === 'function') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    [].concat(children === undefined ? [] : children).forEach(function (child) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    });
    return node;
  }

  function button(label, props) {
    const options = props || {};
    const variant = options.variant || 'secondary';
    const attributes = Object.assign({ type: 'button' }, options, { className: 'alerts-button alerts-button--' + variant, text: label });
    delete attributes.variant;
    return el('button', attributes);
  }

  /** An absolute http(s) URL as a string, or null: stories and images never link anywhere else. */
  function safeHttpUrl(value, base) {
    if (typeof value !== 'string' || value.trim() === '') return null;
    try {
      const url = base ? new URL(value, base) : new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function originOf(value) {
    try {
      return new URL(value, global.location ? global.location.href : undefined).origin;
    } catch (e) {
      return null;
    }
  }

  /** "World", "World and Sports", "Pakistan, World and Sports". */
  function joinNames(names) {
    if (names.length <= 1) return names.join('');
    return names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
  }

  /** "08:00:00" or "8:00" → "08:00"; anything else → "". */
  function hhmm(value) {
    const match = /^(\d{1,2}):(\d{2})/.exec(typeof value === 'string' ? value.trim() : '');
    if (!match) return '';
    const hours = Number(match[1]);
    const minutes = Number(match[2]);
    if (hours > 23 || minutes > 59) return '';
    return String(hours).padStart(2, '0') + ':' + match[2];
  }

  function browserTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    } catch (e) {
      return 'UTC';
    }
  }

  function base64UrlToBytes(value) {
    const base64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = global.atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function bytesToBase64Url(buffer) {
    if (!buffer) return '';
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return global.btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function sameBytes(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function whenDocumentReady() {
    return new Promise(function (resolve) {
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { resolve(); }, { once: true });
      else resolve();
    });
  }

  // ---------------------------------------------------------------- API client

  /** An HTTP failure from the Alerts API; detail is the problem+json detail, ready to show. status 0 = no answer. */
  class ApiError extends Error {
    constructor(status, detail, problem) {
      super(detail);
      this.name = 'ApiError';
      this.status = status;
      this.detail = detail;
      this.problem = problem || null;
    }
  }

  /** A failure the reader must see with its own state (denied, unsupported, error). */
  class UiError extends Error {
    constructor(state, message) {
      super(message);
      this.name = 'UiError';
      this.state = state;
    }
  }

  function fallbackDetail(status) {
    if (status === 401 || status === 403) return 'this device\'s subscription key was not accepted.';
    if (status === 404) return 'the subscription no longer exists.';
    if (status === 409) return 'this browser is already registered under another subscription.';
    if (status === 429) return 'there have been too many requests from your network. Please wait a minute and try again.';
    if (status >= 500) return 'the notification service is having trouble. Please try again shortly.';
    return 'the notification service answered with an error (' + status + ').';
  }

  async function problemFrom(response) {
    let problem = null;
    try {
      const type = response.headers.get('Content-Type') || '';
      if (type.indexOf('json') !== -1) problem = await response.json();
    } catch (e) {
      problem = null;
    }
    let detail = problem && typeof problem.detail === 'string' && problem.detail.trim() ? problem.detail.trim() : '';
    const fieldMessages = [];
    if (problem && problem.errors && typeof problem.errors === 'object') {
      Object.keys(problem.errors).forEach(function (field) {
        const messages = [].concat(problem.errors[field]).filter(function (m) { return typeof m === 'string'; });
        messages.forEach(function (message) { fieldMessages.push(field + ': ' + message); });
      });
    }
    if (fieldMessages.length && detail.indexOf(fieldMessages[0]) === -1) {
      detail = (detail ? detail.replace(/\.?$/, '. ') : '') + fieldMessages.join('; ');
    }
    if (!detail && problem && typeof problem.title === 'string' && problem.title.trim()) detail = problem.title.trim();
    return new ApiError(response.status, detail || fallbackDetail(response.status), problem);
  }

  /** The Alerts HTTP API at apiBase (an origin). Same-origin on the reader pages, CORS from alerts.js. */
  function createApi(apiBase) {
    const base = originOf(apiBase) || String(apiBase).replace(/\/+$/, '');

    async function request(method, path, options) {
      const settings = options || {};
      const headers = { Accept: 'application/json, application/problem+json' };
      if (settings.body !== undefined) headers['Content-Type'] = 'application/json';
      if (settings.token) headers.Authorization = 'Bearer ' + settings.token;
      let response;
      try {
        response = await fetch(base + path, {
          method: method,
          headers: headers,
          body: settings.body === undefined ? undefined : JSON.stringify(settings.body),
          mode: 'cors',
          credentials: 'omit',
          cache: 'no-store'
        });
      } catch (e) {
        throw new ApiError(0, TEXT.unreachable);
      }
      if (!response.ok) throw await problemFrom(response);
      if (response.status === 204) return null;
      const text = await response.text();
      if (!text) return null;
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new ApiError(response.status, 'the notification service sent an answer we could not read.');
      }
    }

    function subscriptionPath(id) {
      return '/api/subscriptions/' + encodeURIComponent(id);
    }

    return {
      base: base,
      vapidPublicKey: function () {
        return request('GET', '/api/vapid-public-key').then(function (answer) {
          if (!answer || typeof answer.publicKey !== 'string' || !answer.publicKey) {
            throw new ApiError(200, 'the notification service did not send its public key.');
          }
          return answer.publicKey;
        });
      },
      sections: function () {
        return request('GET', '/api/sections').then(function (list) {
          return (Array.isArray(list) ? list : []).filter(function (s) {
            return s && typeof s.id === 'string' && s.id;
          }).map(function (s) {
            return { id: s.id, name: typeof s.name === 'string' && s.name ? s.name : s.id };
          });
        });
      },
      articles: function (query) {
        const params = new URLSearchParams();
        if (query && query.section) params.set('section', query.section);
        params.set('limit', String((query && query.limit) || 30));
        return request('GET', '/api/articles?' + params.toString()).then(function (list) {
          return Array.isArray(list) ? list : [];
        });
      },
      digest: function (id) {
        return request('GET', '/api/digests/' + encodeURIComponent(id));
      },
      createSubscription: function (body) {
        return request('POST', '/api/subscriptions', { body: body });
      },
      getSubscription: function (id, token) {
        return request('GET', subscriptionPath(id), { token: token });
      },
      updateSubscription: function (id, token, body) {
        return request('PUT', subscriptionPath(id), { token: token, body: body });
      },
      deleteSubscription: function (id, token) {
        return request('DELETE', subscriptionPath(id), { token: token });
      }
    };
  }

  // ---------------------------------------------------------------- storage on the device

  function openDatabase() {
    return new Promise(function (resolve, reject) {
      if (!global.indexedDB) {
        reject(new Error('IndexedDB is not available'));
        return;
      }
      const request = global.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        const db = request.result;
        if (!db.objectStoreNames.contains(DB_STORE)) db.createObjectStore(DB_STORE);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error('IndexedDB is blocked by another tab')); };
    });
  }

  async function withStore(mode, action) {
    const db = await openDatabase();
    try {
      return await new Promise(function (resolve, reject) {
        const transaction = db.transaction(DB_STORE, mode);
        const request = action(transaction.objectStore(DB_STORE));
        let result;
        request.onsuccess = function () { result = request.result; };
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error || new Error('IndexedDB transaction aborted')); };
      });
    } finally {
      db.close();
    }
  }

  function readLocal() {
    try {
      const text = global.localStorage.getItem(STORAGE_KEY);
      return text ? JSON.parse(text) : null;
    } catch (e) {
      return null;
    }
  }

  function writeLocal(record) {
    try {
      global.localStorage.setItem(STORAGE_KEY, JSON.stringify(record));
    } catch (e) {
      // Private modes can refuse localStorage; the IndexedDB copy still works.
    }
  }

  function removeLocal() {
    try {
      global.localStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      // Nothing stored, nothing to remove.
    }
  }

  function usableRecord(record) {
    return record && typeof record === 'object' && typeof record.id === 'string' && record.id &&
      typeof record.token === 'string' && record.token ? record : null;
  }

  const storage = {
    /** The stored subscription for apiBase, or null. Brings the two copies back in step. */
    load: async function (apiBase) {
      let fromDatabase = null;
      try {
        fromDatabase = usableRecord(await withStore('readonly', function (store) { return store.get(DB_RECORD); }));
      } catch (e) {
        fromDatabase = null;
      }
      const fromLocal = usableRecord(readLocal());
      const record = fromDatabase || fromLocal;
      if (!record) return null;
      if (apiBase && record.apiBase && originOf(record.apiBase) !== originOf(apiBase)) return null;
      if (!record.apiBase && apiBase) record.apiBase = originOf(apiBase);
      if (JSON.stringify(fromLocal) !== JSON.stringify(record)) writeLocal(record);
      if (JSON.stringify(fromDatabase) !== JSON.stringify(record)) {
        try {
          await withStore('readwrite', function (store) { return store.put(record, DB_RECORD); });
        } catch (e) {
          // The worker then has no copy; pushsubscriptionchange cannot update the server, nothing else breaks.
        }
      }
      return record;
    },
    save: async function (record) {
      const copy = Object.assign({}, record, { savedAt: new Date().toISOString() });
      writeLocal(copy);
      try {
        await withStore('readwrite', function (store) { return store.put(copy, DB_RECORD); });
      } catch (e) {
        // See load(): the page keeps working from localStorage.
      }
      return copy;
    },
    clear: async function () {
      removeLocal();
      try {
        await withStore('readwrite', function (store) { return store.delete(DB_RECORD); });
      } catch (e) {
        // Nothing to clear.
      }
    }
  };

  function isPromptDismissed() {
    try {
      return Number(global.localStorage.getItem(DISMISSED_KEY) || 0) > Date.now();
    } catch (e) {
      return false;
    }
  }

  function rememberDismissal() {
    try {
      global.localStorage.setItem(DISMISSED_KEY, String(Date.now() + DISMISS_DAYS * 24 * 60 * 60 * 1000));
    } catch (e) {
      // The prompt will simply come back on the next visit.
    }
  }

  function forgetDismissal() {
    try {
      global.localStorage.removeItem(DISMISSED_KEY);
    } catch (e) {
      // Nothing stored.
    }
  }

  // ---------------------------------------------------------------- preferences

  function normalizeDelivery(delivery) {
    if (!delivery || delivery.mode !== 'digest') return { mode: 'instant' };
    if (delivery.frequency === 'hourly') {
      const result = { mode: 'digest', frequency: 'hourly' };
      if (hhmm(delivery.at)) result.at = hhmm(delivery.at);
      return result;
    }
    return { mode: 'digest', frequency: 'daily', at: hhmm(delivery.at) || DEFAULT_DIGEST_TIME };
  }

  function normalizeQuietHours(quietHours) {
    if (!quietHours || !hhmm(quietHours.from) || !hhmm(quietHours.to)) return null;
    return { from: hhmm(quietHours.from), to: hhmm(quietHours.to) };
  }

  /** The preference part of a subscribe/update body, from an API answer (missing fields from fallback). */
  function pickPreferences(source, fallback) {
    const s = source || {};
    const f = fallback || {};
    return {
      sections: Array.isArray(s.sections) ? s.sections.slice() : (Array.isArray(f.sections) ? f.sections.slice() : []),
      delivery: normalizeDelivery(s.delivery || f.delivery),
      quietHours: normalizeQuietHours(s.quietHours !== undefined ? s.quietHours : f.quietHours),
      timeZone: s.timeZone || f.timeZone || browserTimeZone(),
      paused: typeof s.paused === 'boolean' ? s.paused : !!f.paused
    };
  }

  function describeDelivery(delivery) {
    const d = normalizeDelivery(delivery);
    if (d.mode === 'instant') return 'instant alerts';
    if (d.frequency === 'hourly') return 'an hourly digest';
    return 'a daily digest at ' + d.at;
  }

  /** "You're subscribed to World and Sports — instant alerts." */
  function describeSubscription(preferences, nameOf) {
    const names = (preferences.sections || []).map(nameOf);
    const what = names.length ? 'You\'re subscribed to ' + joinNames(names) : 'You\'re subscribed';
    return what + ' \u2014 ' + describeDelivery(preferences.delivery) + '.';
  }

  function sectionNamer(sections) {
    const names = {};
    (sections || []).forEach(function (s) { names[s.id] = s.name; });
    return function (id) { return names[id] || id; };
  }

  // ---------------------------------------------------------------- the browser side of push

  function pushSupported() {
    return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in global && 'Notification' in global;
  }

  /** Notification.requestPermission as a promise (every browser with the Push API returns one). */
  function requestPermission() {
    try {
      return Promise.resolve(global.Notification.requestPermission());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Resolves once the registration has an active worker (pushManager.subscribe needs one). */
  function activeRegistration(registration) {
    if (registration.active) return Promise.resolve(registration);
    return new Promise(function (resolve, reject) {
      const worker = registration.installing || registration.waiting;
      if (!worker) {
        reject(new Error('the service worker did not install'));
        return;
      }
      const timer = setTimeout(function () { reject(new Error('the service worker took too long to start')); }, 30000);
      function check() {
        if (registration.active) {
          clearTimeout(timer);
          resolve(registration);
        } else if (worker.state === 'redundant') {
          clearTimeout(timer);
          reject(new Error('the service worker failed to start'));
        }
      }
      worker.addEventListener('statechange', check);
      check();
    });
  }

  /** The registration whose worker script is workerUrl, else the one controlling this page's scope. */
  async function findRegistration(workerUrl) {
    if (!('serviceWorker' in navigator)) return null;
    const scriptUrl = new URL(workerUrl, global.location.href).href;
    const registrations = await navigator.serviceWorker.getRegistrations();
    const match = registrations.find(function (registration) {
      return [registration.active, registration.waiting, registration.installing].some(function (worker) {
        return worker && worker.scriptURL === scriptUrl;
      });
    });
    return match || (await navigator.serviceWorker.getRegistration()) || null;
  }

  function subscriptionJson(pushSubscription) {
    if (typeof pushSubscription.toJSON === 'function') {
      const json = pushSubscription.toJSON();
      if (json && json.endpoint) {
        if (json.expirationTime === undefined) json.expirationTime = null;
        return json;
      }
    }
    return {
      endpoint: pushSubscription.endpoint,
      expirationTime: pushSubscription.expirationTime === undefined ? null : pushSubscription.expirationTime,
      keys: {
        p256dh: bytesToBase64Url(pushSubscription.getKey('p256dh')),
        auth: bytesToBase64Url(pushSubscription.getKey('auth'))
      }
    };
  }

  async function browserSubscription(registration, applicationServerKey) {
    let existing = null;
    try {
      existing = await registration.pushManager.getSubscription();
    } catch (e) {
      existing = null;
    }
    const existingKey = existing && existing.options && existing.options.applicationServerKey;
    if (existingKey && !sameBytes(new Uint8Array(existingKey), applicationServerKey)) {
      // Made with another server key (the service's keys changed): a new one is needed.
      try {
        await existing.unsubscribe();
      } catch (e) {
        // subscribe() below reports the real problem if there is one.
      }
      existing = null;
    }
    if (existing) return existing;
    try {
      return await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey });
    } catch (e) {
      if (e && e.name === 'NotAllowedError') throw new UiError('denied', TEXT.blocked);
      throw new UiError('error', 'Could not subscribe: ' + TEXT.pushServiceFailed);
    }
  }

  /**
   * Asks for permission, subscribes the browser with the VAPID key and registers with the API.
   * Call it straight from the click or submit handler: the worker registration and the permission
   * question both start before the first await, so browsers that require a user gesture accept them.
   */
  async function subscribeDevice(api, preferences, worker) {
    if (!pushSupported()) throw new UiError('unsupported', TEXT.unsupported);
    if (global.Notification.permission === 'denied') throw new UiError('denied', TEXT.blocked);

    const registering = navigator.serviceWorker.register(worker.url, worker.scope ? { scope: worker.scope } : undefined);
    registering.catch(function () { /* awaited below; this only keeps an early failure from being reported twice */ });
    const permission = await requestPermission();
    if (permission === 'denied') throw new UiError('denied', TEXT.blocked);
    if (permission !== 'granted') throw new UiError('denied', TEXT.notAllowed);

    let registration;
    try {
      registration = await activeRegistration(await registering);
    } catch (e) {
      throw new UiError('error', 'Could not subscribe: the notification helper could not be installed (' +
        ((e && e.message) || 'unknown reason') + ').');
    }

    const publicKey = await api.vapidPublicKey();
    const pushSubscription = await browserSubscription(registration, base64UrlToBytes(publicKey));
    const body = Object.assign({ subscription: subscriptionJson(pushSubscription) }, preferences);
    const created = await api.createSubscription(body);
    if (!created || !created.id || !created.token) {
      throw new ApiError(200, 'the notification service did not confirm the subscription.');
    }
    const record = await storage.save({
      id: String(created.id),
      token: created.token,
      apiBase: api.base,
      vapidPublicKey: publicKey,
      preferences: pickPreferences(created, preferences)
    });
    return { record: record, subscription: pickPreferences(created, preferences) };
  }

  /** Removes this browser's push subscription (the server record is deleted separately). */
  async function unsubscribeDevice(workerUrl) {
    const registration = await findRegistration(workerUrl);
    if (!registration) return;
    const pushSubscription = await registration.pushManager.getSubscription();
    if (pushSubscription) await pushSubscription.unsubscribe();
  }

  /** {state, message} for any failure, with prefix before API and unexpected errors. */
  function describeFailure(error, prefix) {
    if (error instanceof UiError) return { state: error.state, message: error.message };
    if (error instanceof ApiError) return { state: 'error', message: prefix + error.detail };
    return { state: 'error', message: prefix + ((error && error.message) || 'something went wrong. Please try again.') };
  }

  function isAuthFailure(error) {
    return error instanceof ApiError && (error.status === 401 || error.status === 403);
  }

  function isGone(error) {
    return error instanceof ApiError && error.status === 404;
  }

  // ---------------------------------------------------------------- building blocks of the interface

  /** The live status line: #status-message, role=status, with data-state for tests and styling. */
  function createStatus() {
    const text = el('span', { className: 'alerts-status__text' });
    const action = el('span', { className: 'alerts-status__action' });
    const element = el('div', {
      id: 'status-message', className: 'alerts-status', role: 'status', 'aria-live': 'polite', tabindex: '-1'
    }, [text, action]);
    return {
      element: element,
      set: function (state, message, actionNode) {
        element.setAttribute('data-state', state);
        text.textContent = message;
        action.replaceChildren.apply(action, actionNode ? [' ', actionNode] : []);
      },
      clear: function () {
        element.removeAttribute('data-state');
        text.textContent = '';
        action.replaceChildren();
      },
      state: function () {
        return element.getAttribute('data-state');
      }
    };
  }

  function createSummary(options) {
    const text = el('p', { className: 'alerts-summary__text' });
    const details = el('p', { className: 'alerts-summary__details' });
    let action = null;
    if (options.manageUrl) {
      action = el('a', { href: options.manageUrl, className: 'alerts-button alerts-button--secondary', text: 'Manage notifications' });
    } else if (options.onManage) {
      action = button('Manage notifications', { variant: 'secondary', onclick: options.onManage });
    }
    const element = el('div', { id: 'subscription-summary', className: 'alerts-summary', tabindex: '-1', hidden: true },
      [text, details, action ? el('p', { className: 'alerts-summary__action' }, action) : null]);
    return {
      element: element,
      render: function (preferences, sections) {
        text.textContent = describeSubscription(preferences, sectionNamer(sections));
        const notes = [];
        if (preferences.quietHours) {
          notes.push('Quiet hours from ' + preferences.quietHours.from + ' to ' + preferences.quietHours.to +
            ' (' + (preferences.timeZone || browserTimeZone()) + '); breaking news still comes through.');
        }
        if (preferences.paused) notes.push('Notifications are paused.');
        details.textContent = notes.join(' ');
        details.hidden = notes.length === 0;
      }
    };
  }

  /**
   * The chooser: a checkbox per section, instant alerts / daily digest (+ digest time) / hourly
   * digest, and optional quiet hours. Ids: #section-<id>, #delivery-instant|daily|hourly,
   * #digest-time, #quiet-hours, #quiet-from, #quiet-to.
   */
  function createPreferencesForm(config) {
    const headingTag = 'h' + Math.min(Math.max(config.headingLevel || 3, 2), 6);
    const heading = el(headingTag, { id: config.id + '-heading', className: 'alerts-form__heading', tabindex: '-1', text: config.heading });
    let checkboxes = [];

    const sectionOptions = el('div', { className: 'alerts-options' });
    const sectionsGroup = el('fieldset', { className: 'alerts-fieldset', 'aria-describedby': 'sections-hint' }, [
      el('legend', { className: 'alerts-legend', text: 'Sections' }),
      el('p', { id: 'sections-hint', className: 'alerts-hint', text: 'Tick the sections you want to hear about.' }),
      sectionOptions
    ]);

    function radio(value, label, hint) {
      const id = 'delivery-' + value;
      const input = el('input', { type: 'radio', id: id, name: 'delivery', value: value, 'aria-describedby': id + '-hint' });
      const row = el('div', { className: 'alerts-choice' }, [
        input,
        el('label', { for: id, text: label }),
        el('p', { id: id + '-hint', className: 'alerts-hint', text: hint })
      ]);
      return { input: input, row: row };
    }

    const instant = radio('instant', 'Instant alerts', 'A notification as soon as a story is published.');
    const daily = radio('daily', 'Daily digest', 'One notification a day with the stories you missed.');
    const hourly = radio('hourly', 'Hourly digest', 'At most one notification an hour with the latest stories.');
    const digestTime = el('input', { type: 'time', id: 'digest-time', name: 'digestTime', value: DEFAULT_DIGEST_TIME, required: true });
    const deliveryGroup = el('fieldset', { className: 'alerts-fieldset' }, [
      el('legend', { className: 'alerts-legend', text: 'How often' }),
      instant.row,
      daily.row,
      el('div', { className: 'alerts-field alerts-field--nested' }, [el('label', { for: 'digest-time', text: 'Digest time' }), digestTime]),
      hourly.row
    ]);

    const quiet = el('input', { type: 'checkbox', id: 'quiet-hours', name: 'quietHours', 'aria-describedby': 'quiet-hours-hint' });
    const quietFrom = el('input', { type: 'time', id: 'quiet-from', name: 'quietFrom', value: DEFAULT_QUIET_FROM });
    const quietTo = el('input', { type: 'time', id: 'quiet-to', name: 'quietTo', value: DEFAULT_QUIET_TO });
    const quietGroup = el('div', { className: 'alerts-fieldset alerts-quiet' }, [
      el('div', { className: 'alerts-choice alerts-choice--strong' }, [
        quiet,
        el('label', { for: 'quiet-hours', text: 'Quiet hours' }),
        el('p', { id: 'quiet-hours-hint', className: 'alerts-hint', text: 'No notifications between these times, except breaking news.' })
      ]),
      el('div', { className: 'alerts-times' }, [
        el('div', { className: 'alerts-field' }, [el('label', { for: 'quiet-from', text: 'From' }), quietFrom]),
        el('div', { className: 'alerts-field' }, [el('label', { for: 'quiet-to', text: 'To' }), quietTo])
      ])
    ]);

    const timeZoneNote = el('p', { className: 'alerts-timezone' });
    const actions = el('div', { className: 'alerts-actions' }, config.actions || []);
    const form = el('form', { id: config.id, className: 'alerts-form', novalidate: true, 'aria-labelledby': heading.id }, [
      heading, sectionsGroup, deliveryGroup, quietGroup, timeZoneNote, actions
    ]);

    function sync() {
      digestTime.disabled = !daily.input.checked;
      quietFrom.disabled = !quiet.checked;
      quietTo.disabled = !quiet.checked;
      timeZoneNote.textContent = 'Times are in your time zone: ' + browserTimeZone() + '.';
    }
    form.addEventListener('change', sync);
    instant.input.checked = true;
    sync();

    return {
      element: form,
      heading: heading,
      /** Shows a checkbox per section, ticking checkedIds; keeps ticks the reader already made. */
      setSections: function (sections, checkedIds) {
        const ticked = new Set(checkedIds || checkboxes.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }));
        checkboxes = [];
        const rows = sections.map(function (section) {
          const id = 'section-' + section.id.replace(/[^A-Za-z0-9_-]/g, '-');
          const input = el('input', { type: 'checkbox', id: id, name: 'sections', value: section.id });
          input.checked = ticked.has(section.id);
          checkboxes.push(input);
          return el('div', { className: 'alerts-check' }, [input, el('label', { for: id, text: section.name })]);
        });
        sectionOptions.replaceChildren.apply(sectionOptions, rows);
      },
      fill: function (preferences) {
        const chosen = new Set(preferences.sections || []);
        checkboxes.forEach(function (c) { c.checked = chosen.has(c.value); });
        const delivery = normalizeDelivery(preferences.delivery);
        instant.input.checked = delivery.mode === 'instant';
        daily.input.checked = delivery.mode === 'digest' && delivery.frequency === 'daily';
        hourly.input.checked = delivery.mode === 'digest' && delivery.frequency === 'hourly';
        if (delivery.frequency === 'daily') digestTime.value = delivery.at;
        const quietHours = normalizeQuietHours(preferences.quietHours);
        quiet.checked = !!quietHours;
        if (quietHours) {
          quietFrom.value = quietHours.from;
          quietTo.value = quietHours.to;
        }
        sync();
      },
      /** null when the form can be sent, else {message, field} naming what to fix. */
      validate: function () {
        if (!checkboxes.length) return { message: 'The sections could not be loaded. Please reload the page.', field: heading };
        if (!checkboxes.some(function (c) { return c.checked; })) return { message: 'Choose at least one section.', field: checkboxes[0] };
        if (daily.input.checked && !hhmm(digestTime.value)) return { message: 'Choose a time for your daily digest.', field: digestTime };
        if (quiet.checked) {
          if (!hhmm(quietFrom.value)) return { message: 'Choose when your quiet hours start.', field: quietFrom };
          if (!hhmm(quietTo.value)) return { message: 'Choose when your quiet hours end.', field: quietTo };
          if (hhmm(quietFrom.value) === hhmm(quietTo.value)) return { message: 'Quiet hours must start and end at different times.', field: quietTo };
        }
        return null;
      },
      /** The preference part of the subscribe/update body (paused: false; the caller sets it). */
      read: function () {
        let delivery = { mode: 'instant' };
        if (daily.input.checked) delivery = { mode: 'digest', frequency: 'daily', at: hhmm(digestTime.value) };
        else if (hourly.input.checked) delivery = { mode: 'digest', frequency: 'hourly' };
        return {
          sections: checkboxes.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }),
          delivery: delivery,
          quietHours: quiet.checked ? { from: hhmm(quietFrom.value), to: hhmm(quietTo.value) } : null,
          timeZone: browserTimeZone(),
          paused: false
        };
      },
      setBusy: function (busy) {
        form.setAttribute('aria-busy', busy ? 'true' : 'false');
        form.querySelectorAll('button').forEach(function (b) {
          if (busy) b.setAttribute('aria-disabled', 'true');
          else b.removeAttribute('aria-disabled');
        });
      }
    };
  }

  /** Sections to show: the offered ones (all when offer is empty) plus any the reader already follows. */
  function sectionsToShow(allSections, offer, alsoIds) {
    let list = allSections;
    if (offer && offer.length) {
      const byId = {};
      allSections.forEach(function (s) { byId[s.id] = s; });
      list = offer.filter(function (id) { return byId[id]; }).map(function (id) { return byId[id]; });
      if (!list.length) list = allSections;
    }
    const shown = new Set(list.map(function (s) { return s.id; }));
    const extra = allSections.filter(function (s) { return (alsoIds || []).indexOf(s.id) !== -1 && !shown.has(s.id); });
    return list.concat(extra);
  }

  function linkOrButton(target, label) {
    if (!target) return null;
    if (typeof target === 'function') return button(label, { variant: 'link', onclick: target });
    return el('a', { href: target, text: label });
  }

  // ---------------------------------------------------------------- subscribe view

  /**
   * The soft prompt, the chooser and, once subscribed, the summary.
   * options:
   *   api, container (filled), host (shown/hidden; default container),
   *   sections (array or promise of [{id,name}]; default: GET /api/sections), offer (section ids), preselect (section ids),
   *   workerUrl (default /sw.js), workerScope, manageUrl | onManage, onDismiss,
   *   verifyOnLoad (default true: check a stored subscription with GET at once; false: only when opened),
   *   collapsible (after "Not now" leave a "Get desktop notifications" button instead of hiding the host),
   *   headingLevel (default 3).
   * Returns {ready, open(), dismiss()}.
   */
  function mountSubscribe(options) {
    const api = options.api;
    const container = options.container;
    const host = options.host || container;
    const worker = { url: options.workerUrl || '/sw.js', scope: options.workerScope };
    const status = createStatus();
    let allSections = [];
    let record = null;
    let current = null;
    let verified = false;
    let busy = false;
    let view = 'loading';

    const yes = button('Yes, choose sections', { id: 'soft-prompt-yes', variant: 'primary' });
    const no = button('Not now', { id: 'soft-prompt-no', variant: 'secondary' });
    const prompt = el('div', { id: 'soft-prompt', className: 'alerts-prompt', hidden: true }, [
      el('p', { className: 'alerts-prompt__text', text: TEXT.prompt }),
      el('div', { className: 'alerts-actions' }, [yes, no])
    ]);
    const subscribeButton = button('Subscribe', { id: 'subscribe-button', type: 'submit', variant: 'primary' });
    const form = createPreferencesForm({
      id: 'subscribe-form', heading: 'Choose your notifications', headingLevel: options.headingLevel, actions: [subscribeButton]
    });
    form.element.hidden = true;
    const summary = createSummary({ manageUrl: options.manageUrl, onManage: options.onManage });
    const reopen = options.collapsible
      ? button('Get desktop notifications', { id: 'soft-prompt-open', variant: 'secondary', hidden: true })
      : null;
    container.replaceChildren(el('div', { className: 'alerts-ui' }, [prompt, form.element, status.element, summary.element, reopen]));

    function show(next) {
      view = next;
      prompt.hidden = next !== 'prompt';
      form.element.hidden = next !== 'chooser';
      summary.element.hidden = next !== 'summary';
      if (reopen) reopen.hidden = next !== 'collapsed';
      host.hidden = next === 'closed' || next === 'loading';
    }

    function showSummary() {
      summary.render(current, allSections);
      show('summary');
    }

    function nameSections() {
      form.setSections(sectionsToShow(allSections, options.offer, []), options.preselect || []);
    }

    async function loadSections() {
      if (allSections.length) return true;
      try {
        allSections = (await Promise.resolve(options.sections || api.sections())) || [];
        if (!allSections.length) allSections = await api.sections();
      } catch (e) {
        try {
          allSections = await api.sections();
        } catch (error) {
          status.set('error', describeFailure(error, 'Could not load the sections: ').message);
          return false;
        }
      }
      nameSections();
      return allSections.length > 0;
    }

    /** Checks the stored subscription with the server; false when it no longer exists there. */
    async function verify() {
      try {
        current = pickPreferences(await api.getSubscription(record.id, record.token));
        verified = true;
        record = await storage.save(Object.assign({}, record, { preferences: current }));
        return true;
      } catch (error) {
        if (isGone(error) || isAuthFailure(error)) {
          await storage.clear();
          record = null;
          current = null;
          return false;
        }
        // The service is unreachable: show what this device last knew.
        status.set('error', describeFailure(error, 'Could not check your notification settings: ').message);
        current = record.preferences ? pickPreferences(record.preferences) : null;
        return current !== null;
      }
    }

    function dismiss() {
      rememberDismissal();
      show(options.collapsible ? 'collapsed' : 'closed');
      if (options.onDismiss) options.onDismiss();
    }

    async function open() {
      await ready;
      if (busy) return;
      if (view === 'chooser') {
        host.hidden = false;
        form.heading.focus();
        return;
      }
      if (record) {
        if (!verified && !(await verify())) {
          openPrompt();
          return;
        }
        if (status.state() !== 'error') status.set('subscribed', TEXT.alreadySubscribed);
        showSummary();
        summary.element.focus();
        return;
      }
      openPrompt();
    }

    function openPrompt() {
      status.clear();
      show('prompt');
      yes.focus();
    }

    yes.addEventListener('click', async function () {
      if (busy) return;
      if (!(await loadSections())) return;
      status.clear();
      show('chooser');
      form.heading.focus();
    });

    no.addEventListener('click', function () {
      if (busy) return;
      dismiss();
    });

    if (reopen) reopen.addEventListener('click', function () { open(); });

    form.element.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) return;
      const problem = form.validate();
      if (problem) {
        status.set('error', problem.message);
        problem.field.focus();
        return;
      }
      subscribe(form.read());
    });

    // Not async up to subscribeDevice's first await: the permission question must start inside the submit event.
    function subscribe(preferences) {
      busy = true;
      form.setBusy(true);
      status.set('pending', 'Subscribing\u2026');
      return subscribeDevice(api, preferences, worker).then(function (result) {
        record = result.record;
        current = result.subscription;
        verified = true;
        forgetDismissal();
        showSummary();
        status.set('subscribed', TEXT.subscribed);
        summary.element.focus();
        if (options.onSubscribed) options.onSubscribed(current);
      }, function (error) {
        const failure = describeFailure(error, 'Could not subscribe: ');
        status.set(failure.state, failure.message);
      }).then(function () {
        busy = false;
        form.setBusy(false);
      });
    }

    const ready = (async function () {
      show('loading');
      record = await storage.load(api.base);
      const sectionsLoaded = loadSections();
      if (record) {
        if (options.verifyOnLoad === false) {
          show('closed');
          await sectionsLoaded;
          return;
        }
        const subscribed = await verify();
        await sectionsLoaded;
        if (subscribed) {
          if (status.state() !== 'error') status.set('subscribed', TEXT.alreadySubscribed);
          showSummary();
          return;
        }
      }
      await sectionsLoaded;
      if (isPromptDismissed()) show(options.collapsible ? 'collapsed' : 'closed');
      else show('prompt');
    })();

    return {
      ready: ready,
      open: open,
      dismiss: dismiss,
      isSubscribed: function () { return !!record; }
    };
  }

  // ---------------------------------------------------------------- manage view

  /**
   * The subscription's settings with Save changes, Pause/Resume and Unsubscribe.
   * options: api, container, sections, offer, workerUrl, headingLevel (default 2),
   *   subscribeTarget (URL or function: where "subscribe" links lead), onBack, onUnsubscribed.
   */
  function mountManage(options) {
    const api = options.api;
    const container = options.container;
    const workerUrl = options.workerUrl || '/sw.js';
    const status = createStatus();
    let allSections = [];
    let record = null;
    let current = null;
    let busy = false;

    const save = button('Save changes', { id: 'save-button', type: 'submit', variant: 'primary' });
    const pause = button('Pause notifications', { id: 'pause-button', variant: 'secondary' });
    const unsubscribe = button('Unsubscribe', { id: 'unsubscribe-button', variant: 'danger' });
    const back = options.onBack ? button('Back', { variant: 'link', onclick: function () { if (!busy) options.onBack(); } }) : null;
    const form = createPreferencesForm({
      id: 'manage-form', heading: 'Your notifications', headingLevel: options.headingLevel || 2, actions: [save, pause, unsubscribe, back]
    });
    const summary = createSummary({});
    form.element.hidden = true;
    container.replaceChildren(el('div', { className: 'alerts-ui alerts-ui--manage' }, [summary.element, form.element, status.element]));

    function subscribeLink(label) {
      return linkOrButton(options.subscribeTarget === undefined ? '/' : options.subscribeTarget, label);
    }

    function showOnly(message, state, linkLabel) {
      form.element.hidden = true;
      summary.element.hidden = true;
      status.set(state, message, subscribeLink(linkLabel));
    }

    function render() {
      form.setSections(sectionsToShow(allSections, options.offer, current.sections), current.sections);
      form.fill(current);
      summary.render(current, allSections);
      summary.element.hidden = false;
      form.element.hidden = false;
      pause.textContent = current.paused ? 'Resume notifications' : 'Pause notifications';
    }

    async function forget(message, state) {
      await storage.clear();
      record = null;
      showOnly(message, state, 'Subscribe again');
    }

    function setBusy(value) {
      busy = value;
      form.setBusy(value);
    }

    async function update(preferences, done) {
      setBusy(true);
      status.set('pending', done.pending);
      try {
        const answer = await api.updateSubscription(record.id, record.token, preferences);
        current = pickPreferences(answer, preferences);
        const token = answer && typeof answer.token === 'string' && answer.token ? answer.token : record.token;
        record = await storage.save(Object.assign({}, record, { token: token, preferences: current }));
        render();
        status.set(done.state, done.message);
      } catch (error) {
        if (isGone(error)) await forget(TEXT.subscriptionGone, 'none');
        else if (isAuthFailure(error)) await forget(TEXT.keyRejected, 'error');
        else status.set('error', describeFailure(error, done.failure).message);
      } finally {
        setBusy(false);
      }
    }

    form.element.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy || !record) return;
      const problem = form.validate();
      if (problem) {
        status.set('error', problem.message);
        problem.field.focus();
        return;
      }
      const preferences = form.read();
      preferences.paused = !!current.paused;
      update(preferences, { pending: 'Saving your changes\u2026', state: 'saved', message: TEXT.saved, failure: 'Could not save your changes: ' });
    });

    pause.addEventListener('click', function () {
      if (busy || !record) return;
      const preferences = pickPreferences(current);
      preferences.paused = !current.paused;
      update(preferences, preferences.paused
        ? { pending: 'Pausing notifications\u2026', state: 'paused', message: TEXT.paused, failure: 'Could not pause notifications: ' }
        : { pending: 'Resuming notifications\u2026', state: 'saved', message: TEXT.resumed, failure: 'Could not resume notifications: ' });
    });

    unsubscribe.addEventListener('click', async function () {
      if (busy || !record) return;
      setBusy(true);
      status.set('pending', 'Unsubscribing\u2026');
      try {
        try {
          await api.deleteSubscription(record.id, record.token);
        } catch (error) {
          // Already gone, or this device's key no longer works: the browser side is still removed below,
          // and the service drops a subscription whose push service answers "gone".
          if (!isGone(error) && !isAuthFailure(error)) throw error;
        }
        try {
          await unsubscribeDevice(workerUrl);
        } catch (e) {
          // The server record is gone, so nothing more is sent to this browser either way.
        }
        await storage.clear();
        record = null;
        current = null;
        showOnly(TEXT.unsubscribed, 'unsubscribed', 'Subscribe again');
        status.element.focus();
        if (options.onUnsubscribed) options.onUnsubscribed();
      } catch (error) {
        status.set('error', describeFailure(error, 'Could not unsubscribe: ').message);
      } finally {
        setBusy(false);
      }
    });

    const ready = (async function () {
      status.set('pending', 'Loading your notification settings\u2026');
      const loaded = await Promise.all([
        storage.load(api.base),
        Promise.resolve(options.sections || api.sections()).catch(function () { return null; })
      ]);
      record = loaded[0];
      allSections = loaded[1] || [];
      if (!record) {
        showOnly(TEXT.notSubscribed, 'none', 'Go to the front page to subscribe');
        return;
      }
      try {
        if (!allSections.length) allSections = await api.sections();
        current = pickPreferences(await api.getSubscription(record.id, record.token));
      } catch (error) {
        if (isGone(error)) await forget(TEXT.subscriptionGone, 'none');
        else if (isAuthFailure(error)) await forget(TEXT.keyRejected, 'error');
        else status.set('error', describeFailure(error, 'Could not load your notification settings: ').message);
        return;
      }
      record = await storage.save(Object.assign({}, record, { preferences: current }));
      render();
      status.clear();
    })();

    return { ready: ready };
  }

  // ---------------------------------------------------------------- stories (front page and digests)

  function formatWhen(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date.getTime())) return null;
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    let relative;
    if (abs < 60) relative = 'Just now';
    else if (typeof Intl.RelativeTimeFormat === 'function' && abs < 7 * 86400) {
      const format = new Intl.RelativeTimeFormat(DATE_LOCALE, { numeric: 'auto' });
      if (abs < 3600) relative = format.format(Math.round(seconds / 60), 'minute');
      else if (abs < 86400) relative = format.format(Math.round(seconds / 3600), 'hour');
      else relative = format.format(Math.round(seconds / 86400), 'day');
      relative = relative.charAt(0).toUpperCase() + relative.slice(1);
    } else {
      relative = date.toLocaleDateString(DATE_LOCALE, { day: 'numeric', month: 'long', year: 'numeric' });
    }
    return {
      iso: date.toISOString(),
      relative: relative,
      full: date.toLocaleString(DATE_LOCALE, { dateStyle: 'full', timeStyle: 'short' })
    };
  }

  /** One story as an <li>; links and images only when they are absolute http(s) URLs. */
  function renderStory(story, nameOf) {
    const url = safeHttpUrl(story.url);
    const imageUrl = safeHttpUrl(story.imageUrl);
    const sectionIds = Array.isArray(story.sections) ? story.sections : [];
    const when = formatWhen(story.publishedAt);
    const title = typeof story.title === 'string' && story.title ? story.title : 'Untitled story';

    let image = null;
    if (imageUrl) {
      image = el('img', { className: 'story__image', src: imageUrl, alt: '', loading: 'lazy', decoding: 'async' });
      image.addEventListener('error', function () { image.remove(); });
    }
    const meta = el('p', { className: 'story__meta' }, [
      story.breaking ? el('span', { className: 'story__badge', text: 'Breaking' }) : null,
      sectionIds.length ? el('span', { className: 'story__section', text: sectionIds.map(nameOf).join(', ') }) : null,
      when ? el('time', { datetime: when.iso, title: when.full, text: when.relative }) : null
    ]);
    const heading = el('h3', { className: 'story__title' }, url ? el('a', { href: url, text: title }) : title);
    const summary = typeof story.summary === 'string' && story.summary
      ? el('p', { className: 'story__summary', text: story.summary })
      : null;
    return el('li', { className: 'story' + (story.breaking ? ' story--breaking' : '') }, [
      el('article', { className: 'story__inner' }, [image, el('div', { className: 'story__body' }, [meta, heading, summary])])
    ]);
  }

  function listMessage(list, text, kind) {
    list.replaceChildren(el('li', { className: 'story-list__message' + (kind ? ' story-list__message--' + kind : ''), text: text }));
  }

  // ---------------------------------------------------------------- pages on the Alerts server

  /** "/" — section navigation, latest stories, and the subscribe panel. */
  function startFrontPage() {
    const api = createApi(global.location.origin);
    const nav = document.getElementById('section-nav');
    const list = document.getElementById('article-list');
    const heading = document.getElementById('stories-heading');
    const panel = document.getElementById('alerts-panel');
    const panelBody = document.getElementById('alerts-panel-body');
    const openButton = document.getElementById('open-soft-prompt');
    const dateLine = document.getElementById('masthead-date');
    const sections = api.sections();
    let nameOf = function (id) { return id; };
    let sectionsById = {};
    let requestNumber = 0;

    if (dateLine) {
      dateLine.textContent = new Date().toLocaleDateString(DATE_LOCALE, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    }

    function currentSection() {
      const id = new URLSearchParams(global.location.search).get('section');
      return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
    }

    function markCurrent(sectionId) {
      nav.querySelectorAll('a').forEach(function (link) {
        if ((link.getAttribute('data-section') || null) === sectionId) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      });
    }

    async function showArticles(sectionId) {
      const number = ++requestNumber;
      const sectionName = sectionId ? (sectionsById[sectionId] || sectionId) : null;
      heading.textContent = sectionName ? 'Latest in ' + sectionName : 'Latest news';
      document.title = (sectionName ? sectionName + ' \u2014 ' : '') + 'Alerts News';
      markCurrent(sectionId);
      list.setAttribute('aria-busy', 'true');
      listMessage(list, 'Loading the latest stories\u2026');
      try {
        const articles = await api.articles({ section: sectionId, limit: 30 });
        if (number !== requestNumber) return;
        if (!articles.length) {
          listMessage(list, sectionName
            ? 'No stories in ' + sectionName + ' yet. New stories appear here as soon as they are published.'
            : 'No stories yet. New stories appear here as soon as they are published.', 'empty');
        } else {
          list.replaceChildren.apply(list, articles.map(function (article) { return renderStory(article, nameOf); }));
        }
      } catch (error) {
        if (number !== requestNumber) return;
        listMessage(list, describeFailure(error, 'Could not load the latest stories: ').message, 'error');
      } finally {
        if (number === requestNumber) list.setAttribute('aria-busy', 'false');
      }
    }

    function navLink(sectionId, label) {
      const href = sectionId ? '/?section=' + encodeURIComponent(sectionId) : '/';
      const link = el('a', { href: href, text: label, dataset: sectionId ? { section: sectionId } : undefined });
      link.addEventListener('click', function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        if (currentSection() !== sectionId) global.history.pushState({ section: sectionId }, '', href);
        showArticles(sectionId);
        heading.focus();
      });
      return el('li', {}, link);
    }

    sections.then(function (list) {
      sectionsById = {};
      list.forEach(function (s) { sectionsById[s.id] = s.name; });
      nameOf = sectionNamer(list);
      nav.replaceChildren.apply(nav, [navLink(null, 'Latest')].concat(list.map(function (s) { return navLink(s.id, s.name); })));
    }).catch(function () {
      // The stories still load; the navigation keeps its "Latest" link.
    }).then(function () {
      showArticles(currentSection());
    });

    global.addEventListener('popstate', function () { showArticles(currentSection()); });

    const subscribeView = mountSubscribe({
      api: api,
      container: panelBody,
      host: panel,
      sections: sections,
      workerUrl: '/sw.js',
      manageUrl: '/notifications',
      onDismiss: function () { if (openButton) openButton.focus(); }
    });
    if (openButton) {
      openButton.addEventListener('click', function () {
        subscribeView.open().then(function () { panel.scrollIntoView({ block: 'nearest' }); });
      });
    }
  }

  /** "/notifications" — change, pause or cancel this device's subscription. */
  function startNotificationsPage() {
    const api = createApi(global.location.origin);
    mountManage({
      api: api,
      container: document.getElementById('manage-panel'),
      workerUrl: '/sw.js',
      subscribeTarget: '/',
      headingLevel: 2
    });
  }

  /** "/digest/{id}" — the stories of one digest. */
  async function startDigestPage() {
    const api = createApi(global.location.origin);
    const title = document.getElementById('digest-title');
    const meta = document.getElementById('digest-meta');
    const list = document.getElementById('digest-stories');
    const segments = global.location.pathname.split('/').filter(Boolean);
    let id = '';
    try {
      id = segments.length >= 2 ? decodeURIComponent(segments[segments.length - 1]) : '';
    } catch (e) {
      id = '';
    }
    if (!id) {
      listMessage(list, 'This digest could not be found.', 'error');
      list.setAttribute('aria-busy', 'false');
      return;
    }
    try {
      const [digest, sections] = await Promise.all([
        api.digest(id),
        api.sections().catch(function () { return []; })
      ]);
      const nameOf = sectionNamer(sections);
      const digestTitle = digest && typeof digest.title === 'string' && digest.title ? digest.title : 'Your news digest';
      title.textContent = digestTitle;
      document.title = digestTitle + ' \u2014 Alerts News';
      const when = formatWhen(digest && digest.createdAt);
      const stories = digest && Array.isArray(digest.stories) ? digest.stories : [];
      meta.replaceChildren(
        stories.length === 1 ? '1 story' : stories.length + ' stories',
        when ? ', sent ' : '',
        when ? el('time', { datetime: when.iso, text: when.full }) : ''
      );
      if (!stories.length) listMessage(list, 'This digest has no stories.', 'empty');
      else list.replaceChildren.apply(list, stories.map(function (story) { return renderStory(story, nameOf); }));
    } catch (error) {
      if (isGone(error)) listMessage(list, 'This digest is no longer available.', 'empty');
      else listMessage(list, describeFailure(error, 'Could not load this digest: ').message, 'error');
    } finally {
      list.setAttribute('aria-busy', 'false');
    }
  }

  const pages = { front: startFrontPage, notifications: startNotificationsPage, digest: startDigestPage };

  global.AlertsUI = {
    el: el,
    createApi: createApi,
    storage: storage,
    mountSubscribe: mountSubscribe,
    mountManage: mountManage,
    pushSupported: pushSupported,
    rememberDismissal: rememberDismissal,
    isPromptDismissed: isPromptDismissed,
    safeHttpUrl: safeHttpUrl,
    describeSubscription: describeSubscription,
    ApiError: ApiError,
    pages: pages
  };

  const script = typeof document !== 'undefined' ? document.currentScript : null;
  const page = script && script.getAttribute('data-page');
  if (page && pages[page]) whenDocumentReady().then(pages[page]);
})(window);
