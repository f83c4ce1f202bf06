// Signing in and out with an API key. The key is kept in sessionStorage, so it survives a reload
// but is forgotten when the tab closes; signing out (or the server refusing the key) empties every
// panel so nothing from the last session stays on screen.

import { api, session, onKeyRejected } from './api.js';
import { $, setText } from './format.js';
import { startComposing, stopComposing, focusTitle } from './compose.js';
import { stopCounting } from './audience.js';
import { stopTracking, hideProgress } from './progress.js';
import { startRefreshing, stopRefreshing } from './history.js';

const STORAGE_KEY = 'alerts.editor.apiKey';

const els = {
  signIn: $('sign-in'),
  signInForm: $('sign-in-form'),
  apiKey: $('api-key'),
  signInButton: $('sign-in-button'),
  signInError: $('sign-in-error'),
  signedIn: $('signed-in'),
  signedInName: $('signed-in-name'),
  signedInRole: $('signed-in-role'),
  signOutButton: $('sign-out-button'),
  console: $('console'),
};

async function onSignIn(event) {
  event.preventDefault();
  const key = els.apiKey.value.trim();
  setText(els.signInError, '');
  els.apiKey.removeAttribute('aria-invalid');
  if (!key) {
    showSignInError('Enter your API key.');
    return;
  }
  els.signInButton.disabled = true;
  els.signInForm.setAttribute('aria-busy', 'true');
  try {
    const me = await api('/api/editor/me', { key, signOutOn401: false });
    startSession(key, me);
  } catch (err) {
    showSignInError(signInMessage(err));
  } finally {
    els.signInButton.disabled = false;
    els.signInForm.removeAttribute('aria-busy');
  }
}

function signInMessage(err) {
  if (err.status === 401) return 'That API key was not recognised. Check it and try again.';
  if (err.status === 403) return 'That API key is not allowed to use the editors\' console.';
  if (err.status === 0) return err.message;
  return `Could not sign in: ${err.message}`;
}

function showSignInError(message) {
  setText(els.signInError, message);
  els.apiKey.setAttribute('aria-invalid', 'true');
  els.apiKey.focus();
  els.apiKey.select();
}

function startSession(key, me) {
  session.number += 1;
  session.apiKey = key;
  session.me = me || {};
  try { sessionStorage.setItem(STORAGE_KEY, key); } catch { /* storage disabled: the key lives in memory only */ }

  els.apiKey.value = '';
  els.apiKey.removeAttribute('aria-invalid');
  setText(els.signInError, '');
  setText(els.signedInName, session.me.name || 'unknown');
  setText(els.signedInRole, session.me.role || '');
  els.signedInRole.hidden = !session.me.role;
  els.signedIn.hidden = false;
  els.signIn.hidden = true;
  els.console.hidden = false;

  startComposing();
  startRefreshing();
  focusTitle();
}

function endSession(message) {
  session.number += 1;
  session.apiKey = null;
  session.me = null;
  try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* ignore */ }

  stopRefreshing();
  stopTracking();
  stopCounting();
  stopComposing();
  hideProgress();

  els.console.hidden = true;
  els.signedIn.hidden = true;
  els.signIn.hidden = false;
  setText(els.signInError, message || '');
  els.apiKey.value = '';
  els.apiKey.focus();
}

/** A reload in the same tab: sign in again with the key this tab kept, if the server still takes it. */
export async function restoreSession() {
  let key = null;
  try { key = sessionStorage.getItem(STORAGE_KEY); } catch { key = null; }
  if (!key) return;
  els.signIn.hidden = true;
  try {
    const me = await api('/api/editor/me', { key, signOutOn401: false });
    startSession(key, me);
  } catch (err) {
    endSession(err.status === 401 || err.status === 403
      ? 'Your saved API key is no longer accepted. Please sign in again.'
      : signInMessage(err));
  }
}

export function setUpSignIn() {
  els.signInForm.addEventListener('submit', onSignIn);
  els.signOutButton.addEventListener('click', () => endSession(''));
  onKeyRejected(() => endSession('Your API key is no longer accepted. Please sign in again.'));
}
