// A headline test in the delivery panel: one row per headline with its sent, clicks and click rate,
// the leader marked, a countdown to the decision with "Send the leader now", then the winner.

import { api, isAbort } from './api.js';
import { $, el, setText, count, fmt, parseDate, percentFormat, rate } from './format.js';

const RUNNING = new Set(['queued', 'sending']);

const els = {
  race: $('progress-race'),
  status: $('race-status'),
  rows: $('race-rows'),
  decide: $('race-decide'),
  error: $('race-error'),
};

let shown = null;            // the alert the race shows: { id, status }
let afterDecide = () => {};

/** The leader by the server's rule: the best click rate, ties to the first; nothing sent counts as 0. */
function leaderOf(variants) {
  let best = null;
  for (const v of variants) {
    const rate = count(v.sent) > 0 ? count(v.clicked) / count(v.sent) : 0;
    if (best === null || rate > best.rate) best = { number: v.number, rate };
  }
  return best ? best.number : null;
}

function countdown(decideAt) {
  const at = parseDate(decideAt);
  if (!at) return '';
  const seconds = Math.max(0, Math.round((at.getTime() - Date.now()) / 1000));
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return `${m}:${s}`;
}

function row(variant, leader, winner) {
  const number = Number(variant.number);
  const sent = count(variant.sent);
  const clicked = count(variant.clicked);
  const li = el('li', 'race-row');
  li.dataset.number = String(number);
  const isWinner = winner != null && number === winner;
  const isLeader = winner == null && number === leader;
  li.classList.toggle('is-winner', isWinner);
  li.classList.toggle('is-leader', isLeader);

  const head = el('div', 'race-head');
  head.append(el('span', 'race-title', variant.title || `Headline ${number}`),
    el('span', 'race-mark', isWinner ? 'Winner' : (isLeader ? 'Leading' : '')));
  const bar = el('progress');
  bar.max = 1;
  bar.value = sent > 0 ? clicked / sent : 0;
  bar.setAttribute('aria-label', `Click rate of headline ${number}`);
  const figures = el('p', 'race-figures');
  figures.append(
    el('span', 'race-sent', `Sent ${fmt(sent)}`), ' · ',
    el('span', 'race-clicks', `Clicks ${fmt(clicked)}`), ' · ',
    el('span', 'race-rate', rate(clicked, sent)));
  li.append(head, bar, figures);
  return li;
}

/** Shows the race of a tested alert (GET /api/alerts/{id} has variants and test), or hides it. */
export function renderRace(alert) {
  const variants = Array.isArray(alert.variants) ? alert.variants : null;
  const test = alert.test && typeof alert.test === 'object' ? alert.test : null;
  if (!variants || !test) {
    els.race.hidden = true;
    shown = null;
    return;
  }
  if (!shown || shown.id !== String(alert.id)) setText(els.error, '');
  shown = { id: String(alert.id), status: alert.status };
  els.race.hidden = false;
  const winner = test.winner == null ? null : Number(test.winner);
  const leader = leaderOf(variants);
  els.rows.replaceChildren(...variants.map((v) => row(v, leader, winner)));
  els.race.dataset.state = winner != null ? 'decided' : 'racing';

  const sample = percentFormat.format(Number(test.sample) || 0);
  let status;
  if (winner != null) {
    const rest = RUNNING.has(alert.status) ? ' The rest of the readers are getting it.' : '';
    status = `Headline ${winner} won.${rest}`;
  } else if (RUNNING.has(alert.status)) {
    const left = countdown(test.decideAt);
    status = left && left !== '0:00'
      ? `Racing on ${sample} of the readers. Deciding in ${left}.`
      : `Racing on ${sample} of the readers. Deciding now.`;
  } else if (alert.status === 'scheduled') {
    status = `Races on ${sample} of the readers once it is sent.`;
  } else {
    status = 'Ended before a winner was chosen.';
  }
  setText(els.status, status);
  els.decide.hidden = !(winner == null && RUNNING.has(alert.status));
}

async function onDecide() {
  const race = shown;
  if (!race) return;
  els.decide.disabled = true;
  setText(els.error, '');
  try {
    await api(`/api/alerts/${encodeURIComponent(race.id)}/test/decide`, { method: 'POST' });
  } catch (err) {
    if (isAbort(err) || shown !== race) return;
    setText(els.error, err.message);
  } finally {
    els.decide.disabled = false;
  }
  if (shown && shown.id === race.id) afterDecide();
}

/** refresh is called after "Send the leader now", to show the decision as soon as it is made. */
export function setUpRace(refresh) {
  afterDecide = refresh || (() => {});
  els.decide.addEventListener('click', onDecide);
}
