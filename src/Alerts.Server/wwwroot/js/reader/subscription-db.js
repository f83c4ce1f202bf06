/*
 * This device's subscription record in IndexedDB: the one copy of the code that both the reader
 * pages and the service worker use, so the worker renews exactly what the pages stored.
 *
 *   IndexedDB "alerts" (version 1), store "subscription", key "current"
 *   = {id, token, apiBase, vapidPublicKey, preferences: {sections, delivery, quietHours, timeZone, paused}, savedAt}
 *
 * It runs two ways, so it has no import or export and touches nothing but `self`:
 *   - sw.js loads it with importScripts(): sw.js stays a classic worker script because publishers'
 *     one-line workers pull it in with importScripts();
 *   - the pages import it for its side effect (js/reader/device-store.js).
 * Either way it defines self.AlertsSubscriptionDb = {read, write, clear}.
 */
(function () {
  'use strict';

  if (self.AlertsSubscriptionDb) return;

  const DB_NAME = 'alerts';
  const DB_VERSION = 1;
  const DB_STORE = 'subscription';
  const DB_RECORD = 'current';

  function openDatabase() {
    return new Promise(function (resolve, reject) {
      if (!self.indexedDB) {
        reject(new Error('IndexedDB is not available'));
        return;
      }
      const request = self.indexedDB.open(DB_NAME, DB_VERSION);
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

  self.AlertsSubscriptionDb = Object.freeze({
    /** The stored record as it is (callers check it), or undefined. */
    read: function () {
      return withStore('readonly', function (store) { return store.get(DB_RECORD); });
    },
    /** Stores the record as given; callers stamp savedAt. */
    write: function (record) {
      return withStore('readwrite', function (store) { return store.put(record, DB_RECORD); });
    },
    clear: function () {
      return withStore('readwrite', function (store) { return store.delete(DB_RECORD); });
    }
  });
})();
