/*
 * Alerts service worker: shows pushed notifications (plain or Safari's declarative shape, with their
 * actions), reports each display and click, mutes a section from the notification, and renews the push
 * subscription when the browser replaces it.
 *
 * On the Alerts server it is registered as /sw.js. A publisher's own site serves a one-line worker
 * from its own origin instead:
 *   self.ALERTS_ORIGIN = 'https://alerts.example.com'; importScripts(self.ALERTS_ORIGIN + '/sw.js');
 *
 * It reads the subscription the page stored through js/reader/subscription-db.js, the IndexedDB
 * code the pages use too, loaded here from the Alerts origin with importScripts().
 */
(function () {
  'use strict';

  const API_ORIGIN = apiOrigin();

  // As the worker starts: a service worker can import scripts only then. Showing pushes and reporting
  // clicks do not need the record, so if the import fails only subscription renewal is lost.
  const DATABASE_URL = API_ORIGIN + '/js/reader/subscription-db.js';
  let database = null;
  try {
    importScripts(DATABASE_URL);
    database = self.AlertsSubscriptionDb || null;
  } catch (e) {
    console.warn('Alerts: could not load ' + DATABASE_URL + '; the push subscription cannot be renewed', e);
  }

  function apiOrigin() {
    const configured = self.ALERTS_ORIGIN;
    if (typeof configured === 'string' && configured) {
      try {
        return new URL(configured).origin;
      } catch (e) {
        // A mistyped ALERTS_ORIGIN: fall back to this worker's own origin.
      }
    }
    return self.location.origin;
  }

  /** An http(s) URL (relative ones only with a base), or null: notifications never open or load anything else. */
  function httpUrl(value, base) {
    if (typeof value !== 'string' || value === '') return null;
    try {
      const url = base ? new URL(value, base) : new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function text(value) {
    return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  }

  // ------------------------------------------------------------ lifecycle

  self.addEventListener('install', function (event) {
    event.waitUntil(self.skipWaiting());
  });

  self.addEventListener('activate', function (event) {
    event.waitUntil(self.clients.claim());
  });

  // ------------------------------------------------------------ push

  /**
   * The payload of DESIGN §6 (docs/push-payload.md), checked; null when the push carries nothing we can
   * show. Safari's declarative shape ({"web_push": 8030, "notification": {…}, …}) keeps what is shown in
   * `notification` (with the link as `navigate`) and Alerts' own fields at the top.
   */
  function readPayload(data) {
    if (!data) return null;
    let payload;
    try {
      payload = data.json();
    } catch (e) {
      return null;
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
    const declarative = payload.web_push === 8030 && payload.notification && typeof payload.notification === 'object';
    const shown = declarative ? payload.notification : payload;
    const title = text(shown.title).trim();
    if (!title) return null;
    const id = text(payload.id);
    const timestamp = Number(shown.timestamp);
    return {
      id: id,
      kind: text(payload.kind),
      title: title,
      body: text(shown.body),
      url: httpUrl(declarative ? shown.navigate : shown.url),
      icon: httpUrl(shown.icon, API_ORIGIN),
      image: httpUrl(shown.image, API_ORIGIN),
      tag: text(shown.tag) || id,
      renotify: (declarative ? shown.renotify : payload.renotify) === true,
      silent: shown.silent === true,
      actions: readActions(payload.actions),
      clickToken: text(payload.clickToken),
      timestamp: Number.isFinite(timestamp) && timestamp > 0 ? timestamp : undefined
    };
  }

  /** "Read" and "Mute <Section> for a day": only the kinds this worker knows how to handle. */
  function readActions(actions) {
    if (!Array.isArray(actions)) return [];
    return actions.filter(function (a) {
      return a && typeof a === 'object' && text(a.title) &&
        (a.action === 'read' || (a.action === 'mute' && text(a.section) && Number(a.hours) > 0));
    }).map(function (a) {
      return { action: a.action, title: text(a.title), section: text(a.section), hours: Number(a.hours) || 0 };
    });
  }

  self.addEventListener('push', function (event) {
    const payload = readPayload(event.data);
    if (!payload) return;
    const mute = payload.actions.find(function (a) { return a.action === 'mute'; });
    const options = {
      body: payload.body,
      data: {
        url: payload.url, id: payload.id, kind: payload.kind, clickToken: payload.clickToken,
        mute: mute ? { section: mute.section, hours: mute.hours } : null
      },
      timestamp: payload.timestamp
    };
    // The same tag replaces a notification already on screen, so a repeated push never shows twice and a
    // correction (tagged with its original's id) takes the original's place: with a sound again only for
    // readers who had clicked the original (renotify), quietly for the others.
    if (payload.tag) {
      options.tag = payload.tag;
      options.renotify = payload.renotify;
    }
    if (payload.silent) options.silent = true;
    if (payload.icon) options.icon = payload.icon;
    if (payload.image) options.image = payload.image;
    const room = typeof Notification !== 'undefined' && Number.isFinite(Notification.maxActions) ? Notification.maxActions : 2;
    if (room > 0 && payload.actions.length > 0) {
      options.actions = payload.actions.slice(0, room).map(function (a) { return { action: a.action, title: a.title }; });
    }
    // Reported once shown: readers whose browser shows nothing any more are found and removed (silent readers).
    event.waitUntil(self.registration.showNotification(payload.title, options)
      .then(function () { return report('displays', payload.id, payload.clickToken); }));
  });

  // ------------------------------------------------------------ click

  async function focusOrOpen(url) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (client.url === url && typeof client.focus === 'function') {
        try {
          return await client.focus();
        } catch (e) {
          break; // Not allowed to focus it: open a new tab instead.
        }
      }
    }
    if (self.clients.openWindow) return self.clients.openWindow(url);
    return null;
  }

  // The push's own token makes a display or a click count once for this reader (a query string, so the
  // request stays a simple one: no CORS preflight from a publisher's origin).
  function report(what, id, token) {
    if (!id || !token) return Promise.resolve();
    return fetch(API_ORIGIN + '/api/alerts/' + encodeURIComponent(id) + '/' + what + '?token=' + encodeURIComponent(token), {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      keepalive: true
    }).catch(function () {
      // Counts are best effort; the reader's notification and tab matter more.
    });
  }

  /** The reader's "Mute <Section> for a day": with this device's subscription token, opening nothing. */
  async function muteSection(mute) {
    const record = await readRecord();
    if (!record || !record.id || !record.token) return;
    const apiBase = record.apiBase || API_ORIGIN;
    await jsonRequest('POST', apiBase + '/api/subscriptions/' + encodeURIComponent(record.id) + '/mutes', record.token,
      { section: mute.section, hours: mute.hours });
  }

  self.addEventListener('notificationclick', function (event) {
    const notification = event.notification;
    notification.close();
    const data = notification.data || {};
    if (event.action === 'mute' && data.mute && data.mute.section) {
      event.waitUntil(muteSection(data.mute).catch(function (error) {
        console.warn('Alerts: could not mute the section', error);
      }));
      return;
    }
    const url = httpUrl(data.url);
    event.waitUntil(Promise.all([
      url ? focusOrOpen(url).catch(function () { return null; }) : Promise.resolve(null),
      report('clicks', text(data.id), text(data.clickToken))
    ]));
  });

  // ------------------------------------------------------------ subscription renewal

  function readRecord() {
    if (!database) return Promise.reject(new Error('the subscription record could not be loaded from ' + DATABASE_URL));
    return database.read();
  }

  function writeRecord(record) {
    const copy = Object.assign({}, record, { savedAt: new Date().toISOString() });
    return database.write(copy);
  }

  function clearRecord() {
    return database.clear();
  }

  function base64UrlToBytes(value) {
    const base64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function jsonRequest(method, url, token, body) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store'
    });
  }

  async function applicationServerKey(oldSubscription, apiBase, record) {
    const oldKey = oldSubscription && oldSubscription.options && oldSubscription.options.applicationServerKey;
    if (oldKey) return oldKey;
    try {
      const response = await jsonRequest('GET', apiBase + '/api/vapid-public-key');
      if (response.ok) {
        const answer = await response.json();
        if (answer && typeof answer.publicKey === 'string' && answer.publicKey) return base64UrlToBytes(answer.publicKey);
      }
    } catch (e) {
      // Offline: try the key stored when the reader subscribed.
    }
    if (record.vapidPublicKey) return base64UrlToBytes(record.vapidPublicKey);
    throw new Error('No VAPID public key to renew the push subscription with');
  }

  /** The preference part of a subscribe/update body. */
  function preferencesFrom(source) {
    return {
      sections: Array.isArray(source.sections) ? source.sections : [],
      delivery: source.delivery || { mode: 'instant' },
      quietHours: source.quietHours || null,
      timeZone: source.timeZone || 'UTC',
      maxPerDay: typeof source.maxPerDay === 'number' ? source.maxPerDay : null,
      paused: !!source.paused
    };
  }

  /**
   * The browser replaced (or dropped) the push subscription: subscribe again with the same server key
   * and tell the service, keeping the reader's preferences. If the service already removed the old
   * subscription (its push service answered "gone"), register anew with the preferences stored here.
   */
  async function renewSubscription(event) {
    const record = await readRecord();
    if (!record || !record.id || !record.token) return;
    const apiBase = record.apiBase || API_ORIGIN;

    let subscription = event.newSubscription;
    if (!subscription) {
      const key = await applicationServerKey(event.oldSubscription, apiBase, record);
      subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    const subscriptionJson = subscription.toJSON();
    const subscriptionUrl = apiBase + '/api/subscriptions/' + encodeURIComponent(record.id);

    const current = await jsonRequest('GET', subscriptionUrl, record.token);
    let response;
    if (current.ok) {
      const preferences = preferencesFrom(await current.json());
      response = await jsonRequest('PUT', subscriptionUrl, record.token, Object.assign({ subscription: subscriptionJson }, preferences));
    } else if (current.status === 404 && record.preferences) {
      response = await jsonRequest('POST', apiBase + '/api/subscriptions', undefined,
        Object.assign({ subscription: subscriptionJson }, preferencesFrom(record.preferences)));
    } else if (current.status === 404) {
      await clearRecord();
      return;
    } else {
      return; // 401/403: this device's token no longer works; 5xx: nothing more to do from here.
    }
    if (!response.ok) return;

    const answer = await response.json().catch(function () { return null; });
    const updated = Object.assign({}, record);
    if (answer && answer.id) updated.id = String(answer.id);
    if (answer && typeof answer.token === 'string' && answer.token) updated.token = answer.token;
    if (answer && Array.isArray(answer.sections)) updated.preferences = preferencesFrom(answer);
    await writeRecord(updated);
  }

  self.addEventListener('pushsubscriptionchange', function (event) {
    event.waitUntil(renewSubscription(event).catch(function (error) {
      console.warn('Alerts: could not renew the push subscription', error);
    }));
  });
})();
