// Recent notifications with their delivery and click counts, and the hourly figures behind the
// chart; both refreshed every ten seconds while the tab is visible.

import { api, session, isAbort } from './api.js';
import { $, el, setText, count, fmt, parseDate, localDateTime, dateTimeFormat, timeFormat, rate, alertButton } from './format.js';
import { STATS_HOURS, showStats, resetChart } from './chart.js';
import { canCorrect, openCorrection } from './correct.js';

const HISTORY_MS = 10000;
const HISTORY_LIMIT = 50;

const els = {
  historyBody: $('history-body'),
  historyUpdated: $('history-updated'),
  historyError: $('history-error'),
  chartError: $('chart-error'),
};

const history = {
  timer: 0,
  loading: false,
  again: false,          // asked again while loading: load once more after
  statsLoading: false,
  byId: new Map(),       // the alerts last shown, by id (the Correct buttons open their form)
};

export function kindLabel(kind) {
  const labels = { article: 'Article', breaking: 'Breaking', digest: 'Digest', correction: 'Correction' };
  return labels[kind] || String(kind);
}

function emptyRow(text) {
  const tr = el('tr', 'empty-row');
  const td = el('td', null, text);
  td.colSpan = 13;
  tr.append(td);
  return tr;
}

export async function refreshHistory() {
  if (!session.apiKey) return;
  if (history.loading) {
    history.again = true;
    return;
  }
  history.loading = true;
  const number = session.number;
  try {
    const data = await api(`/api/alerts?limit=${HISTORY_LIMIT}`);
    if (number !== session.number) return;
    const items = Array.isArray(data) ? data : (data && Array.isArray(data.items) ? data.items : []);
    renderHistory(items);
    setText(els.historyError, '');
    setText(els.historyUpdated, `Updated ${timeFormat.format(new Date())}`);
  } catch (err) {
    if (number !== session.number || isAbort(err)) return;
    setText(els.historyError, `Could not load recent notifications: ${err.message}`);
  } finally {
    if (number === session.number) {
      history.loading = false;
      if (history.again) {
        history.again = false;
        refreshHistory();
      }
    }
  }
}

function renderHistory(items) {
  // Keep keyboard focus on the same row across a refresh.
  const active = document.activeElement;
  let focusId = null;
  if (active && els.historyBody.contains(active)) {
    const row = active.closest('tr');
    focusId = row ? row.dataset.id : null;
  }

  history.byId = new Map(items.filter((a) => a && a.id != null).map((a) => [String(a.id), a]));
  if (items.length === 0) {
    els.historyBody.replaceChildren(emptyRow('No notifications yet.'));
    return;
  }

  const rows = items.filter((a) => a && a.id != null).map(historyRow);
  els.historyBody.replaceChildren(...rows);

  if (focusId != null) {
    const row = rows.find((r) => r.dataset.id === focusId);
    const button = row && row.querySelector('button');
    if (button) button.focus();
  }
}

function historyRow(alert) {
  const tr = document.createElement('tr');
  const id = String(alert.id);
  const status = typeof alert.status === 'string' ? alert.status : '';
  const kind = typeof alert.kind === 'string' ? alert.kind : '';
  tr.dataset.id = id;
  tr.dataset.status = status;
  tr.dataset.kind = kind;

  const kindCell = el('td', 'col-kind');
  const kindBadge = el('span', 'kind', kind);
  kindBadge.dataset.kind = kind;
  kindCell.append(kindBadge);

  const titleCell = el('td', 'col-title');
  const open = alertButton(id, alert.title || '(no title)');
  open.title = 'Show delivery progress';
  titleCell.append(open);
  if (alert.correctsId) {
    const original = history.byId.get(String(alert.correctsId));
    const line = el('span', 'correction-of', 'Correction of ');
    line.append(alertButton(alert.correctsId, original ? (original.title || '(no title)') : 'an earlier alert'));
    titleCell.append(line);
  }
  if (alert.winner != null) {
    titleCell.append(el('span', 'test-winner', `Headline test: headline ${alert.winner} won`));
  }
  const corrections = Array.isArray(alert.corrections) ? alert.corrections.map(String) : [];
  if (corrections.length > 0) {
    const line = el('span', 'corrections', corrections.length === 1 ? 'Corrected: ' : `Corrected ${corrections.length} times: `);
    corrections.forEach((cid, i) => {
      if (i > 0) line.append(', ');
      const correction = history.byId.get(cid);
      line.append(alertButton(cid, correction ? (correction.title || '(no title)') : `correction ${i + 1}`));
    });
    titleCell.append(line);
  }

  const statusCell = el('td', 'col-status');
  const statusBadge = el('span', 'status', status);
  statusBadge.dataset.status = status;
  if (status === 'scheduled' && alert.sendAt) {
    const at = localDateTime(alert.sendAt);
    if (at) statusBadge.title = `Scheduled for ${at}`;
  }
  statusCell.append(statusBadge);

  const createdCell = el('td', 'col-created');
  const created = parseDate(alert.createdAt);
  if (created) {
    const time = el('time', null, dateTimeFormat.format(created));
    time.dateTime = created.toISOString();
    createdCell.append(time);
  } else {
    createdCell.textContent = alert.createdAt ? String(alert.createdAt) : '—';
  }

  const actionsCell = el('td', 'col-actions');
  if (canCorrect(alert)) {
    const correct = el('button', 'button button-quiet button-small correct-row-button', 'Correct');
    correct.type = 'button';
    correct.dataset.id = id;
    correct.setAttribute('aria-label', `Correct “${alert.title || ''}”`);
    actionsCell.append(correct);
  }

  const sent = count(alert.sent);
  const clicked = count(alert.clicked);
  tr.append(
    kindCell,
    titleCell,
    statusCell,
    createdCell,
    el('td', 'col-by', alert.createdBy || '—'),
    el('td', 'num col-targeted', fmt(count(alert.targeted))),
    el('td', 'num col-sent', fmt(sent)),
    el('td', 'num col-failed', fmt(count(alert.failed))),
    el('td', 'num col-gone', fmt(count(alert.gone))),
    el('td', 'num col-displayed', fmt(count(alert.displayed))),
    el('td', 'num col-clicked', fmt(clicked)),
    el('td', 'num col-ctr', rate(clicked, sent)),
    actionsCell,
  );
  return tr;
}

/** Calls handler(id) when the editor chooses an alert's title in the table. */
export function whenAlertChosen(handler) {
  els.historyBody.addEventListener('click', (event) => {
    const button = event.target.closest('button.link-button');
    if (!button || !els.historyBody.contains(button)) return;
    const id = button.dataset.id;
    if (!id) return;
    handler(id);
  });
}

export async function refreshStats() {
  if (!session.apiKey || history.statsLoading) return;
  history.statsLoading = true;
  const number = session.number;
  try {
    const data = await api(`/api/alerts/stats?hours=${STATS_HOURS}`);
    if (number !== session.number) return;
    const list = Array.isArray(data) ? data : [];
    setText(els.chartError, '');
    showStats(list
      .map((p) => ({ hour: parseDate(p && p.hour), sent: count(p && p.sent), clicks: count(p && p.clicks) }))
      .filter((p) => p.hour));
  } catch (err) {
    if (number !== session.number || isAbort(err)) return;
    setText(els.chartError, `Could not load the hourly figures: ${err.message}`);
  } finally {
    if (number === session.number) history.statsLoading = false;
  }
}

/** Sign-in: load both now, then every HISTORY_MS while the tab is visible. */
export function startRefreshing() {
  refreshHistory();
  refreshStats();
  clearInterval(history.timer);
  history.timer = setInterval(() => {
    if (document.hidden) return;
    refreshHistory();
    refreshStats();
  }, HISTORY_MS);
}

/** Sign-out: no more refreshes, and the table and chart back to how they start. */
export function stopRefreshing() {
  clearInterval(history.timer);
  history.timer = 0;
  history.loading = false;
  history.again = false;
  history.statsLoading = false;
  history.byId = new Map();
  els.historyBody.replaceChildren(emptyRow('Loading…'));
  setText(els.historyUpdated, '');
  setText(els.historyError, '');
  resetChart();
}

export function setUpHistory() {
  els.historyBody.addEventListener('click', (event) => {
    const button = event.target.closest('button.correct-row-button');
    if (!button || !els.historyBody.contains(button)) return;
    const alert = history.byId.get(button.dataset.id);
    if (alert) openCorrection(alert);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && session.apiKey) {
      refreshHistory();
      refreshStats();
    }
  });
}
