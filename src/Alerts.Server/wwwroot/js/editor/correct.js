// Corrections: a form, prefilled with an ended alert's title, body and link, that sends a correction
// (POST /api/alerts/{id}/corrections). The server refuses (409) while the alert has not ended; its
// detail is shown in the form.

import { api, isAbort } from './api.js';
import { $, setText } from './format.js';

/** An alert can be corrected once it has ended. */
const ENDED_STATUSES = new Set(['done', 'cancelled', 'expired']);

const els = {
  dialog: $('correct-dialog'),
  form: $('correct-form'),
  original: $('correct-original'),
  title: $('correct-title'),
  body: $('correct-body'),
  url: $('correct-url'),
  error: $('correct-error'),
  send: $('correct-send'),
  cancel: $('correct-cancel'),
};

let current = null;        // the alert being corrected
let sent = () => {};

export function canCorrect(alert) {
  return !!alert && alert.id != null && ENDED_STATUSES.has(alert.status);
}

/** Opens the form for this alert (as the API lists it: id, title, body, url). */
export function openCorrection(alert) {
  if (!alert || alert.id == null) return;
  current = alert;
  setText(els.original, alert.title || '(no title)');
  els.title.value = alert.title || '';
  els.body.value = alert.body || '';
  els.url.value = alert.url || '';
  setText(els.error, '');
  els.send.disabled = false;
  if (!els.dialog.open) els.dialog.showModal();
  els.title.focus();
}

async function onSubmit(event) {
  event.preventDefault();
  const original = current;
  if (!original) return;
  const title = els.title.value.trim();
  const body = els.body.value.trim();
  const url = els.url.value.trim();
  if (!title || !body) {
    setText(els.error, 'A correction needs a title and a body.');
    (title ? els.body : els.title).focus();
    return;
  }
  const json = { title, body };
  if (url) json.url = url;
  els.send.disabled = true;
  setText(els.error, '');
  try {
    const accepted = await api(`/api/alerts/${encodeURIComponent(original.id)}/corrections`, { method: 'POST', json });
    if (current !== original) return;
    current = null;
    els.dialog.close();
    if (accepted && accepted.id) {
      sent(String(accepted.id), { id: accepted.id, kind: 'correction', status: 'queued', title, correctsId: accepted.correctsId });
    }
  } catch (err) {
    if (isAbort(err) || current !== original) return;
    setText(els.error, err.status === 409 && !err.problem.detail
      ? 'This notification has not ended yet; cancel it or wait until it is done.'
      : err.message);
  } finally {
    els.send.disabled = false;
  }
}

/** handler(id, initial) runs once the server accepted a correction. */
export function setUpCorrections(handler) {
  sent = handler;
  els.form.addEventListener('submit', onSubmit);
  els.cancel.addEventListener('click', () => {
    current = null;
    els.dialog.close();
  });
  els.dialog.addEventListener('close', () => { current = null; });
}
