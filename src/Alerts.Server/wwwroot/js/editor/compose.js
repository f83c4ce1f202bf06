// The compose form: read and check the alert, ask before it goes to everyone, and send it once
// (an Idempotency-Key per compose, so pressing Send again after a failure cannot send it twice).

import { api, session, isAbort } from './api.js';
import { $, setText, parseDate, parseHttpUrl, localDateTime, plural } from './format.js';
import { audienceSelection, loadSectionChoices, readersFor, scheduleAudienceCount } from './audience.js';
import { forgetFailedImage, setUpPreview, updatePreview } from './preview.js';
import { clearErrors, clearFieldError, fieldOf, focusFirstError, showApiError, showFieldError } from './field-errors.js';
import { focusProgress, track } from './progress.js';
import { refreshHistory, refreshStats } from './history.js';
import { headlineTestRequest, resetHeadlineTest, setUpHeadlineTest } from './headline-test.js';

const els = {
  form: $('compose-form'),
  title: $('alert-title'),
  body: $('alert-body'),
  url: $('alert-url'),
  image: $('alert-image'),
  audienceEveryone: $('audience-everyone'),
  audienceSections: $('audience-sections'),
  sectionsRetry: $('sections-retry'),
  sendAt: $('alert-send-at'),
  sendAtZone: $('send-at-zone'),
  ttl: $('alert-ttl'),
  paceSpread: $('pace-spread'),
  paceMinutes: $('pace-minutes'),
  sendButton: $('send-button'),
  sendStatus: $('send-status'),

  dialog: $('confirm-dialog'),
  confirmMessage: $('confirm-message'),
  confirmAlertTitle: $('confirm-alert-title'),
  confirmSend: $('confirm-send'),
  confirmCancel: $('confirm-cancel'),
};

const compose = {
  pending: null,         // { key, fingerprint }: the Idempotency-Key of the send being composed
  sending: false,
  confirmBody: null,
};

/** Loads the sections (once), then brings the preview and the reader count up to date. */
export async function loadSections() {
  if (await loadSectionChoices()) {
    updatePreview();
    scheduleAudienceCount();
  }
}

function onFormInput(event) {
  const target = event.target;
  if (target === els.paceMinutes) els.paceSpread.checked = true; // typing minutes means spreading
  if (target && target.name === 'section' && target.checked && els.audienceEveryone.checked) {
    // Picking a section means the editor wants chosen sections.
    els.audienceSections.checked = true;
  }
  clearFieldError(fieldOf(target));
  updatePreview();
}

function onFormChange(event) {
  const target = event.target;
  if (target && (target.name === 'audience' || target.name === 'section')) {
    clearFieldError('sections');
    updatePreview();
    scheduleAudienceCount();
  } else {
    updatePreview();
  }
}

function resetCompose() {
  els.form.reset();
  resetHeadlineTest();
  clearErrors();
  setText(els.sendStatus, '');
  forgetFailedImage();
  updatePreview();
  scheduleAudienceCount();
}

// Reads the form into an API request. Returns { body } or { errors }.
function buildRequest() {
  const errors = {};
  const title = els.title.value.trim();
  const body = els.body.value.trim();
  const url = els.url.value.trim();
  const imageUrl = els.image.value.trim();
  const selection = audienceSelection();

  if (!title) errors.title = 'Enter a title.';
  if (!url) errors.url = 'Enter the link readers open when they click.';
  else if (!parseHttpUrl(url)) errors.url = 'Use a full address starting with http:// or https://.';
  if (imageUrl && !parseHttpUrl(imageUrl)) errors.imageUrl = 'Use a full address starting with http:// or https://, or leave it empty.';
  if (selection !== null && selection.length === 0) errors.sections = 'Choose at least one section, or send to everyone.';

  let sendAt;
  if (els.sendAt.validity.badInput) {
    errors.sendAt = 'Enter a complete date and time, or leave it empty to send now.';
  } else if (els.sendAt.value) {
    const d = parseDate(els.sendAt.value);
    if (d) sendAt = d.toISOString();
    else errors.sendAt = 'Enter a complete date and time, or leave it empty to send now.';
  }

  let ttlSeconds;
  const ttlText = els.ttl.value.trim();
  if (els.ttl.validity.badInput) {
    errors.ttlSeconds = 'Enter a whole number of seconds, or leave it empty.';
  } else if (ttlText) {
    const n = Number(ttlText);
    if (Number.isInteger(n) && n >= 0) ttlSeconds = n;
    else errors.ttlSeconds = 'Enter a whole number of seconds, or leave it empty.';
  }

  let throttlePerMinute;
  if (els.paceSpread.checked) {
    const minutes = Number(els.paceMinutes.value);
    const readers = readersFor(selection);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      errors.throttlePerMinute = 'Enter a whole number of minutes from 1 to 1440.';
    } else if (readers === null) {
      errors.throttlePerMinute = 'Wait for the reader count, then send: the pace is worked out from it.';
    } else {
      // The rate that reaches this audience in the chosen time (at least one a minute).
      throttlePerMinute = Math.max(1, Math.ceil(readers / minutes));
    }
  }

  const tested = headlineTestRequest(title, body, errors);

  if (Object.keys(errors).length > 0) return { errors };

  const request = { title, body, url, sections: selection };
  if (tested) Object.assign(request, tested);
  if (imageUrl) request.imageUrl = imageUrl;
  if (ttlSeconds !== undefined) request.ttlSeconds = ttlSeconds;
  if (sendAt !== undefined) request.sendAt = sendAt;
  if (throttlePerMinute !== undefined) request.throttlePerMinute = throttlePerMinute;
  return { body: request };
}

function onComposeSubmit(event) {
  event.preventDefault();
  if (compose.sending || !session.apiKey) return;
  clearErrors();
  setText(els.sendStatus, '');
  const result = buildRequest();
  if (result.errors) {
    for (const [field, message] of Object.entries(result.errors)) showFieldError(field, message);
    focusFirstError();
    return;
  }
  if (result.body.sections === null) openConfirm(result.body);
  else send(result.body);
}

function openConfirm(body) {
  if (els.dialog.open) return;
  compose.confirmBody = body;
  const readers = readersFor(null);
  setText(els.confirmMessage, readers !== null
    ? `This alert will go to every subscriber: ${plural(readers, 'reader', 'readers')}.`
    : 'This alert will go to every subscriber.');
  const when = body.sendAt ? ` — scheduled for ${localDateTime(body.sendAt)}` : '';
  setText(els.confirmAlertTitle, `“${body.title}”${when}`);
  els.dialog.returnValue = '';
  els.dialog.showModal();
  els.confirmCancel.focus();
}

function onDialogClose() {
  const body = compose.confirmBody;
  compose.confirmBody = null;
  if (els.dialog.returnValue === 'send' && body && session.apiKey) {
    send(body);
  } else if (session.apiKey) {
    els.sendButton.focus();
  }
}

function newUuid() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    try { return window.crypto.randomUUID(); } catch { /* not a secure context: fall through */ }
  }
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function send(body) {
  if (compose.sending) return;
  const fingerprint = JSON.stringify(body);
  if (!compose.pending || compose.pending.fingerprint !== fingerprint) {
    // A new compose (or a changed one) gets a new key; a retry of the same send reuses it,
    // so the server can recognise the retry and not send the alert twice.
    compose.pending = { key: newUuid(), fingerprint };
  }
  const idempotencyKey = compose.pending.key;
  const number = session.number;
  compose.sending = true;
  setSendBusy(true);
  try {
    const result = await api('/api/alerts', {
      method: 'POST',
      json: body,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    if (number !== session.number) return;
    compose.pending = null;
    const status = (result && result.status) || (body.sendAt ? 'scheduled' : 'queued');
    resetCompose();
    setText(els.sendStatus, status === 'scheduled'
      ? `Scheduled for ${localDateTime(body.sendAt)}.`
      : 'Alert queued for sending.');
    if (body.throttlePerMinute) {
      setText(els.sendStatus, `${els.sendStatus.textContent} Spread at ${body.throttlePerMinute.toLocaleString()} a minute.`);
    }
    if (result && result.id != null) {
      track(String(result.id), {
        id: result.id,
        kind: 'breaking',
        status,
        title: body.title,
        sections: body.sections,
        sendAt: body.sendAt || null,
        createdBy: session.me && session.me.name,
        targeted: 0, sent: 0, failed: 0, gone: 0, clicked: 0,
      });
      focusProgress();
    }
    refreshHistory();
    refreshStats();
  } catch (err) {
    if (number !== session.number || isAbort(err)) return;
    showApiError(err);
  } finally {
    if (number === session.number) {
      compose.sending = false;
      setSendBusy(false);
    }
  }
}

function setSendBusy(busy) {
  els.sendButton.disabled = busy;
  els.form.setAttribute('aria-busy', busy ? 'true' : 'false');
  els.sendButton.classList.toggle('is-busy', busy);
}

/** Sign-in: an empty form, the sections, and the cursor in the title. */
export function startComposing() {
  resetCompose();
  loadSections();
}

export function focusTitle() {
  els.title.focus();
}

/** Sign-out: forget the send in progress and the question being asked, and empty the form. */
export function stopComposing() {
  compose.pending = null;
  compose.sending = false;
  compose.confirmBody = null;
  if (els.dialog.open) els.dialog.close('cancel');
  setSendBusy(false);
  resetCompose();
}

export function setUpCompose() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) setText(els.sendAtZone, ` (${zone})`);
  } catch { /* no time zone name available */ }

  els.form.addEventListener('submit', onComposeSubmit);
  els.form.addEventListener('input', onFormInput);
  els.form.addEventListener('change', onFormChange);
  els.sectionsRetry.addEventListener('click', () => loadSections());
  setUpPreview();
  setUpHeadlineTest(() => clearFieldError('variants'));

  els.confirmSend.addEventListener('click', () => els.dialog.close('send'));
  els.confirmCancel.addEventListener('click', () => els.dialog.close('cancel'));
  els.dialog.addEventListener('close', onDialogClose);

  updatePreview();
}
