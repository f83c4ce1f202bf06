// Live delivery progress of one alert: polled every half second while it goes out (every five
// seconds while it waits more than a minute for its time), with Cancel while that still helps.

import { api, isAbort } from './api.js';
import { $, el, setText, count, fmt, plural, parseDate, localDateTime, duration, rate, alertButton } from './format.js';
import { audienceLabel } from './sections.js';
import { kindLabel, refreshHistory, refreshStats } from './history.js';
import { canCorrect, openCorrection } from './correct.js';
import { renderRace, setUpRace } from './race.js';

const POLL_MS = 500;
const SLOW_POLL_MS = 5000;        // a scheduled alert more than a minute away
const SLOW_POLL_LEAD_MS = 60000;
const MAX_RETRY_MS = 5000;

const FINAL_STATUSES = new Set(['done', 'cancelled', 'failed', 'expired']);
const PERCENTS = ['50', '90', '99'];
const CANCELLABLE_STATUSES = new Set(['scheduled', 'sending']);

const els = {
  progress: $('progress'),
  progressHeading: $('progress-heading'),
  progressTitle: $('progress-title'),
  progressMeta: $('progress-meta'),
  progressStatus: $('progress-status'),
  progressBar: $('progress-bar'),
  progressText: $('progress-text'),
  progressDetail: $('progress-detail'),
  progressError: $('progress-error'),
  cancelButton: $('cancel-button'),
  correctButton: $('correct-button'),
  progressLinks: $('progress-links'),
  speed: $('progress-speed'),
  speedFigures: Object.fromEntries(PERCENTS.map((p) => [p, $(`speed-${p}`)])),
  serviceBody: $('service-body'),
};

let tracking = null;       // { id, timer, abort, alert, failures, finished }

/** Follows one alert; initial is what the page already knows of it (shown until the first answer). */
export function track(id, initial) {
  stopTracking();
  const tracker = { id, timer: 0, abort: null, alert: initial || null, failures: 0, finished: false };
  tracking = tracker;
  setText(els.progressError, '');
  els.progress.hidden = false;
  if (initial) renderProgress(initial);
  else renderProgressLoading();
  poll(tracker);
}

/** An alert chosen in the history: follow it, or ask again at once if it is the one followed. */
export function follow(id) {
  if (tracking && tracking.id === id) {
    pollNow(tracking);
  } else {
    track(id, null);
  }
  els.progress.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

export function focusProgress() {
  els.progressHeading.focus();
}

export function stopTracking() {
  const t = tracking;
  if (!t) return;
  clearTimeout(t.timer);
  if (t.abort) t.abort.abort();
  tracking = null;
}

export function hideProgress() {
  els.progress.hidden = true;
}

function pollNow(tracker) {
  clearTimeout(tracker.timer);
  if (tracker.abort) tracker.abort.abort();
  poll(tracker);
}

function schedulePoll(tracker, delay) {
  clearTimeout(tracker.timer);
  tracker.timer = setTimeout(() => poll(tracker), delay);
}

function pollDelay(alert) {
  if (alert && alert.status === 'scheduled') {
    const at = parseDate(alert.sendAt);
    if (at && at.getTime() - Date.now() > SLOW_POLL_LEAD_MS) return SLOW_POLL_MS;
  }
  return POLL_MS;
}

async function poll(tracker) {
  if (tracking !== tracker) return;
  const controller = new AbortController();
  tracker.abort = controller;
  try {
    const alert = await api(`/api/alerts/${encodeURIComponent(tracker.id)}`, { signal: controller.signal });
    if (tracking !== tracker || controller.signal.aborted) return;
    tracker.failures = 0;
    tracker.alert = alert || {};
    setText(els.progressError, '');
    renderProgress(tracker.alert);
    if (FINAL_STATUSES.has(tracker.alert.status)) {
      finishTracking(tracker);
    } else {
      schedulePoll(tracker, pollDelay(tracker.alert));
    }
  } catch (err) {
    if (isAbort(err) || tracking !== tracker) return;
    if (err.status === 404) {
      setText(els.progressError, 'This notification could not be found.');
      tracker.finished = true;
      els.cancelButton.hidden = true;
      els.correctButton.hidden = true;
      return;
    }
    tracker.failures += 1;
    setText(els.progressError, `${err.message} Retrying…`);
    schedulePoll(tracker, Math.min(MAX_RETRY_MS, POLL_MS * 2 ** tracker.failures));
  } finally {
    if (tracker.abort === controller) tracker.abort = null;
  }
}

function finishTracking(tracker) {
  const first = !tracker.finished;
  tracker.finished = true;
  clearTimeout(tracker.timer);
  tracker.timer = 0;
  els.cancelButton.hidden = true;
  if (first) {
    refreshHistory();
    refreshStats();
  }
}

function renderProgressLoading() {
  els.progress.dataset.status = '';
  setText(els.progressTitle, '');
  setText(els.progressMeta, '');
  setText(els.progressStatus, 'loading');
  els.progressStatus.dataset.status = '';
  els.progressBar.removeAttribute('value');
  setText(els.progressText, 'Sent 0 · Failed 0 · Gone 0 of 0');
  setText(els.progressDetail, '');
  els.cancelButton.hidden = true;
  els.correctButton.hidden = true;
  els.progressLinks.hidden = true;
  els.speed.hidden = true;
  renderRace({});
}

function renderProgress(alert) {
  const status = typeof alert.status === 'string' ? alert.status : '';
  const sent = count(alert.sent);
  const failed = count(alert.failed);
  const gone = count(alert.gone);
  const targeted = count(alert.targeted);
  const processed = sent + failed + gone;

  els.progress.dataset.status = status;
  els.progressStatus.dataset.status = status;
  setText(els.progressStatus, status || 'unknown');
  setText(els.progressTitle, alert.title || '');

  const meta = [];
  if (alert.kind) meta.push(kindLabel(alert.kind));
  meta.push(audienceLabel(alert.sections));
  if (alert.createdBy) meta.push(`by ${alert.createdBy}`);
  setText(els.progressMeta, meta.join(' · '));

  const bar = els.progressBar;
  if (targeted > 0) {
    bar.max = targeted;
    bar.value = processed;
  } else if (status === 'queued' || status === 'sending') {
    bar.removeAttribute('value');   // indeterminate until the audience is known
  } else {
    bar.max = 1;
    bar.value = 0;
  }

  setText(els.progressText,
    `Sent ${fmt(sent)} · Failed ${fmt(failed)} · Gone ${fmt(gone)} of ${fmt(targeted)}`);

  let detail = '';
  if (status === 'scheduled') {
    const at = localDateTime(alert.sendAt);
    detail = at ? `Scheduled for ${at}.` : 'Scheduled.';
  } else if (status === 'done') {
    detail = `Finished. ${plural(count(alert.displayed), 'display', 'displays')} and ${plural(count(alert.clicked), 'click', 'clicks')} so far.`;
  } else if (status === 'cancelled') {
    detail = 'Cancelled. Readers not yet reached will not get it.';
  } else if (status === 'failed') {
    detail = 'Delivery failed.';
  } else if (status === 'expired') {
    detail = 'Expired before every reader was reached.';
  } else if (status === 'queued') {
    detail = 'Waiting for a worker to start sending.';
  } else if (status === 'sending' && alert.throttlePerMinute) {
    const finish = localDateTime(alert.expectedFinishAt);
    detail = `Spread at ${fmt(alert.throttlePerMinute)} a minute${finish ? `; expected to finish at ${finish}` : ''}.`;
  }
  setText(els.progressDetail, detail);

  const tracker = tracking;
  els.cancelButton.hidden = !(CANCELLABLE_STATUSES.has(status) && tracker && !tracker.finished);
  els.correctButton.hidden = !canCorrect(alert);
  renderLinks(alert);
  renderSpeed(alert);
  renderRace(alert);
}

/** A correction names its original; an original lists its corrections (both open in this panel). */
function renderLinks(alert) {
  const parts = [];
  if (alert.correctsId) {
    parts.push('Correction of ', alertButton(alert.correctsId, 'the original alert'), '.');
  }
  const corrections = Array.isArray(alert.corrections) ? alert.corrections : [];
  if (corrections.length > 0) {
    parts.push('Corrected by ');
    corrections.forEach((id, i) => {
      if (i > 0) parts.push(', ');
      parts.push(alertButton(id, corrections.length === 1 ? 'a correction' : `correction ${i + 1}`));
    });
    parts.push('.');
  }
  els.progressLinks.replaceChildren(...parts);
  els.progressLinks.hidden = parts.length === 0;
}

/** Time to 50, 90 and 99 % and the figures per push service (only GET /api/alerts/{id} has them). */
function renderSpeed(alert) {
  const times = alert.timeToPercent && typeof alert.timeToPercent === 'object' ? alert.timeToPercent : null;
  const services = Array.isArray(alert.byService) ? alert.byService : null;
  if (!times && !services) {
    els.speed.hidden = true;
    return;
  }
  els.speed.hidden = false;
  for (const p of PERCENTS) {
    const value = times ? times[p] : null;
    setText(els.speedFigures[p], duration(value));
    els.speedFigures[p].dataset.ms = value == null ? '' : String(value);
  }
  const rows = (services || []).filter((s) => s && s.host).map((s) => {
    const sent = count(s.sent);
    const displayed = count(s.displayed);
    const tr = el('tr');
    tr.dataset.host = String(s.host);
    tr.append(
      el('th', 'col-host', s.host),
      el('td', 'num col-sent', fmt(sent)),
      el('td', 'num col-failed', fmt(count(s.failed))),
      el('td', 'num col-gone', fmt(count(s.gone))),
      el('td', 'num col-displayed', fmt(displayed)),
      el('td', 'num col-shown', rate(displayed, sent)),
      el('td', 'num col-median', duration(s.p50Ms)),
    );
    tr.firstChild.scope = 'row';
    return tr;
  });
  if (rows.length === 0) {
    const tr = el('tr', 'empty-row');
    const td = el('td', null, 'No push service has answered yet.');
    td.colSpan = 7;
    tr.append(td);
    rows.push(tr);
  }
  els.serviceBody.replaceChildren(...rows);
}

async function onCancel() {
  const tracker = tracking;
  if (!tracker) return;
  els.cancelButton.disabled = true;
  setText(els.progressError, '');
  try {
    await api(`/api/alerts/${encodeURIComponent(tracker.id)}`, { method: 'DELETE' });
    if (tracking !== tracker) return;
    refreshHistory();
  } catch (err) {
    if (isAbort(err) || tracking !== tracker) return;
    setText(els.progressError, err.status === 409 && !err.problem.detail
      ? 'This notification has already finished and can no longer be cancelled.'
      : err.message);
  } finally {
    els.cancelButton.disabled = false;
  }
  if (tracking === tracker) pollNow(tracker);
}

export function setUpProgress() {
  els.cancelButton.addEventListener('click', onCancel);
  setUpRace(() => { if (tracking) pollNow(tracking); });
  els.correctButton.addEventListener('click', () => {
    if (tracking && tracking.alert) openCorrection(tracking.alert);
  });
  els.progressLinks.addEventListener('click', (event) => {
    const button = event.target.closest('button.link-button');
    if (button && button.dataset.id) follow(button.dataset.id);
  });
}
