// Who an alert goes to: everyone, or the sections ticked, and how many readers that reaches
// (the server counts them once the choice has settled for a moment).

import { api, session, isAbort } from './api.js';
import { $, el, setText, count, plural } from './format.js';
import { sections, rememberSections } from './sections.js';

const AUDIENCE_DEBOUNCE_MS = 300;

const els = {
  everyone: $('audience-everyone'),
  sectionOptions: $('section-options'),
  sectionsStatus: $('sections-status'),
  sectionsRetry: $('sections-retry'),
  count: $('audience-count'),
};

const counting = {
  timer: 0,
  abort: null,
  count: null,
  countFor: null,    // which selection count belongs to
};

/**
 * Loads the sections into the audience choice (once per page). Resolves true when the preview and
 * the count should follow, false when the answer came too late for this session.
 */
export async function loadSectionChoices() {
  if (sections.loaded) return true;
  els.sectionsStatus.hidden = false;
  els.sectionsRetry.hidden = true;
  setText(els.sectionsStatus, 'Loading sections…');
  const number = session.number;
  try {
    const data = await api('/api/sections', { auth: false });
    if (number !== session.number) return false;
    const list = Array.isArray(data) ? data : [];
    rememberSections(list
      .filter((s) => s && s.id != null)
      .map((s) => ({ id: String(s.id), name: s.name != null ? String(s.name) : String(s.id) })));
    renderSections();
    if (sections.list.length === 0) {
      setText(els.sectionsStatus, 'No sections are configured.');
    } else {
      els.sectionsStatus.hidden = true;
    }
  } catch (err) {
    if (number !== session.number || isAbort(err)) return false;
    setText(els.sectionsStatus, `Could not load sections: ${err.message}`);
    els.sectionsRetry.hidden = false;
  }
  return true;
}

function renderSections() {
  const nodes = sections.list.map((s) => {
    const label = el('label', 'check');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'section';
    input.value = s.id;
    input.id = `section-${s.id}`;
    label.append(input, el('span', null, s.name));
    return label;
  });
  els.sectionOptions.replaceChildren(...nodes);
}

function checkedSections() {
  return Array.from(els.sectionOptions.querySelectorAll('input[name="section"]:checked'), (i) => i.value);
}

/** null = everyone, otherwise the chosen section ids (maybe none). */
export function audienceSelection() {
  return els.everyone.checked ? null : checkedSections();
}

function selectionKey(selection) {
  return selection === null ? '*' : selection.join(',');
}

/** The reader count for this selection, or null when it is not known (yet). */
export function readersFor(selection) {
  return counting.countFor === selectionKey(selection) ? counting.count : null;
}

export function scheduleAudienceCount() {
  clearTimeout(counting.timer);
  if (!session.apiKey) return;
  const selection = audienceSelection();
  if (selection !== null && selection.length === 0) {
    if (counting.abort) counting.abort.abort();
    counting.abort = null;
    counting.count = null;
    counting.countFor = null;
    els.count.classList.remove('is-loading');
    delete els.count.dataset.count;
    setText(els.count, 'Choose at least one section to see how many readers it reaches.');
    return;
  }
  els.count.classList.add('is-loading');
  counting.timer = setTimeout(() => fetchAudience(selection), AUDIENCE_DEBOUNCE_MS);
}

async function fetchAudience(selection) {
  if (counting.abort) counting.abort.abort();
  const controller = new AbortController();
  counting.abort = controller;
  const number = session.number;
  const query = selection === null ? '' : `?sections=${selection.map(encodeURIComponent).join(',')}`;
  try {
    const data = await api(`/api/audience${query}`, { signal: controller.signal });
    if (controller.signal.aborted || number !== session.number) return;
    const n = count(data && data.count);
    counting.count = n;
    counting.countFor = selectionKey(selection);
    els.count.dataset.count = String(n);
    setText(els.count, `Will reach ${plural(n, 'reader', 'readers')}`);
  } catch (err) {
    if (isAbort(err) || number !== session.number) return;
    counting.count = null;
    counting.countFor = null;
    delete els.count.dataset.count;
    setText(els.count, `Could not count readers: ${err.message}`);
  } finally {
    if (counting.abort === controller) {
      counting.abort = null;
      els.count.classList.remove('is-loading');
    }
  }
}

/** Sign-out: no count in flight, and the line back to how it starts. */
export function stopCounting() {
  clearTimeout(counting.timer);
  if (counting.abort) counting.abort.abort();
  counting.abort = null;
  counting.count = null;
  counting.countFor = null;
  els.count.classList.remove('is-loading');
  delete els.count.dataset.count;
  setText(els.count, 'Counting readers…');
}
