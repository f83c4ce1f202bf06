/*
 * What this device remembers about the reader's subscription, and whether they said "Not now".
 *
 *   localStorage "alerts.subscription"   JSON of the record (see subscription-db.js)
 *   IndexedDB "alerts"/"subscription"    the record itself, which the service worker reads and renews
 *
 * The IndexedDB copy wins when the two differ: the service worker may renew the subscription, and
 * receive a new token, while no page is open, and a worker cannot write localStorage.
 */
import './subscription-db.js';
import { originOf } from './urls.js';

const STORAGE_KEY = 'alerts.subscription';
const DISMISSED_KEY = 'alerts.softPromptDismissedUntil';
const DISMISS_DAYS = 7;

// Defined by the import above; the same file is the service worker's (importScripts), hence a global.
const database = self.AlertsSubscriptionDb;

function readLocal() {
  try {
    const text = window.localStorage.getItem(STORAGE_KEY);
    return text ? JSON.parse(text) : null;
  } catch (e) {
    return null;
  }
}

function writeLocal(record) {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(record));
  } catch (e) {
    // Private modes can refuse localStorage; the IndexedDB copy still works.
  }
}

function removeLocal() {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    // Nothing stored, nothing to remove.
  }
}

function usableRecord(record) {
  return record && typeof record === 'object' && typeof record.id === 'string' && record.id &&
    typeof record.token === 'string' && record.token ? record : null;
}

export const storage = {
  /** The stored subscription for apiBase, or null. Brings the two copies back in step. */
  load: async function (apiBase) {
    let fromDatabase = null;
    try {
      fromDatabase = usableRecord(await database.read());
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
        await database.write(record);
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
      await database.write(copy);
    } catch (e) {
      // See load(): the page keeps working from localStorage.
    }
    return copy;
  },
  clear: async function () {
    removeLocal();
    try {
      await database.clear();
    } catch (e) {
      // Nothing to clear.
    }
  }
};

export function isPromptDismissed() {
  try {
    return Number(window.localStorage.getItem(DISMISSED_KEY) || 0) > Date.now();
  } catch (e) {
    return false;
  }
}

export function rememberDismissal() {
  try {
    window.localStorage.setItem(DISMISSED_KEY, String(Date.now() + DISMISS_DAYS * 24 * 60 * 60 * 1000));
  } catch (e) {
    // The prompt will simply come back on the next visit.
  }
}

export function forgetDismissal() {
  try {
    window.localStorage.removeItem(DISMISSED_KEY);
  } catch (e) {
    // Nothing stored.
  }
}
