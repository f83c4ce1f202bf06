/*
 * The browser side of Web Push: the permission question, the service worker registration and the
 * push subscription, then registering it with the Alerts API and remembering it on this device.
 */
import { TEXT, ApiError, UiError } from './messages.js';
import { storage } from './device-store.js';
import { pickPreferences } from './preferences.js';

function base64UrlToBytes(value) {
  const base64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = window.atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64Url(buffer) {
  if (!buffer) return '';
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return window.btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function pushSupported() {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Notification.requestPermission as a promise (every browser with the Push API returns one). */
function requestPermission() {
  try {
    return Promise.resolve(window.Notification.requestPermission());
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
  const scriptUrl = new URL(workerUrl, window.location.href).href;
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
export async function subscribeDevice(api, preferences, worker) {
  if (!pushSupported()) throw new UiError('unsupported', TEXT.unsupported);
  if (window.Notification.permission === 'denied') throw new UiError('denied', TEXT.blocked);

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
export async function unsubscribeDevice(workerUrl) {
  const registration = await findRegistration(workerUrl);
  if (!registration) return;
  const pushSubscription = await registration.pushManager.getSubscription();
  if (pushSubscription) await pushSubscription.unsubscribe();
}
