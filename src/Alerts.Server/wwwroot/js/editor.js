// Editors' console: sign in with an API key, compose and preview an alert, send it,
// follow its delivery, and review recent notifications.
// Plain DOM code: every piece of text that comes from the API is written with textContent.
(() => {
  'use strict';

  const STORAGE_KEY = 'alerts.editor.apiKey';
  const POLL_MS = 500;
  const SLOW_POLL_MS = 5000;        // a scheduled alert more than a minute away
  const SLOW_POLL_LEAD_MS = 60000;
  const MAX_RETRY_MS = 5000;
  const HISTORY_MS = 10000;
  const AUDIENCE_DEBOUNCE_MS = 300;
  const HISTORY_LIMIT = 50;
  const STATS_HOURS = 24;

  const FINAL_STATUSES = new Set(['done', 'cancelled', 'failed']);
  const CANCELLABLE_STATUSES = new Set(['scheduled', 'sending']);

  // API field name -> id of the control it concerns. Order is the order of the form.
  const FIELD_CONTROLS = {
    title: 'alert-title',
    body: 'alert-body',
    url: 'alert-url',
    imageUrl: 'alert-image',
    sections: 'section-list',
    sendAt: 'alert-send-at',
    ttlSeconds: 'alert-ttl',
  };
  const FIELDS = Object.keys(FIELD_CONTROLS);
  const FIELD_ALIASES = { image: 'imageUrl', imageurl: 'imageUrl', ttl: 'ttlSeconds', link: 'url', section: 'sections' };

  const SVG_NS = 'http://www.w3.org/2000/svg';

  const numberFormat = new Intl.NumberFormat('en-US');
  const percentFormat = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

  const $ = (id) => document.getElementById(id);

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

    form: $('compose-form'),
    title: $('alert-title'),
    titleCounter: $('alert-title-counter'),
    body: $('alert-body'),
    bodyCounter: $('alert-body-counter'),
    url: $('alert-url'),
    image: $('alert-image'),
    audienceEveryone: $('audience-everyone'),
    audienceSections: $('audience-sections'),
    sectionList: $('section-list'),
    sectionOptions: $('section-options'),
    sectionsStatus: $('sections-status'),
    sectionsRetry: $('sections-retry'),
    audienceCount: $('audience-count'),
    sendAt: $('alert-send-at'),
    sendAtZone: $('send-at-zone'),
    ttl: $('alert-ttl'),
    formError: $('form-error'),
    sendButton: $('send-button'),
    sendStatus: $('send-status'),

    preview: $('preview'),
    previewHost: $('preview-host'),
    previewTitle: $('preview-title'),
    previewBody: $('preview-body'),
    previewImage: $('preview-image'),
    previewImageNote: $('preview-image-note'),
    previewAudience: $('preview-audience'),
    previewSchedule: $('preview-schedule'),

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

    historyBody: $('history-body'),
    historyUpdated: $('history-updated'),
    historyError: $('history-error'),

    chart: $('chart'),
    chartWrap: $('chart-wrap'),
    chartDesc: $('chart-desc'),
    chartError: $('chart-error'),
    chartTableBody: $('chart-table-body'),

    dialog: $('confirm-dialog'),
    confirmMessage: $('confirm-message'),
    confirmAlertTitle: $('confirm-alert-title'),
    confirmSend: $('confirm-send'),
    confirmCancel: $('confirm-cancel'),
  };

  const state = {
    session: 0,            // bumped on sign-in and sign-out, so late answers from an old session are dropped
    apiKey: null,
    me: null,
    sections: [],
    sectionNames: new Map(),
    sectionsLoaded: false,
    audienceTimer: 0,
    audienceAbort: null,
    audienceCount: null,
    audienceFor: null,     // which selection audienceCount belongs to
    pending: null,         // { key, fingerprint }: the Idempotency-Key of the send being composed
    sending: false,
    confirmBody: null,
    tracking: null,        // { id, timer, abort, alert, failures, finished }
    historyTimer: 0,
    historyLoading: false,
    historyAgain: false,
    statsLoading: false,
    stats: null,
    chartWidth: 0,
  };

  // ---------------------------------------------------------------------------
  // HTTP

  class ApiError extends Error {
    constructor(status, problem, fallback) {
      const p = problem && typeof problem === 'object' ? problem : {};
      const text = (typeof p.detail === 'string' && p.detail) || (typeof p.title === 'string' && p.title) ||
        fallback || `The server answered with HTTP ${status}.`;
      super(text);
      this.name = 'ApiError';
      this.status = status;
      this.problem = p;
    }
  }

  async function api(path, options = {}) {
    const { method = 'GET', json, headers = {}, signal, auth = true, signOutOn401 = true } = options;
    const key = options.key !== undefined ? options.key : state.apiKey;
    const h = new Headers({ Accept: 'application/json, application/problem+json' });
    try {
      for (const [name, value] of Object.entries(headers)) h.set(name, value);
      if (auth) h.set('Authorization', `Bearer ${key || ''}`);
    } catch {
      // Header values must be Latin-1; a key with other characters cannot be valid.
      throw new ApiError(401, null, 'That API key was not recognised.');
    }
    let body;
    if (json !== undefined) {
      h.set('Content-Type', 'application/json');
      body = JSON.stringify(json);
    }

    let response;
    try {
      response = await fetch(path, { method, headers: h, body, signal, cache: 'no-store', credentials: 'same-origin' });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      throw new ApiError(0, null, 'Could not reach the server. Check the connection and try again.');
    }

    let data = null;
    if (response.status !== 204) {
      const text = await response.text();
      if (text) {
        try { data = JSON.parse(text); } catch { data = null; }
      }
    }

    if (!response.ok) {
      const error = new ApiError(response.status, data);
      if (response.status === 401 && auth && signOutOn401 && state.apiKey) {
        endSession('Your API key is no longer accepted. Please sign in again.');
      }
      throw error;
    }
    return data;
  }

  function isAbort(err) {
    return err && err.name === 'AbortError';
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

  // ---------------------------------------------------------------------------
  // Small helpers

  function setText(el, text) {
    el.textContent = text == null ? '' : String(text);
  }

  function count(value) {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  function fmt(n) {
    return numberFormat.format(n);
  }

  function plural(n, one, many) {
    return `${fmt(n)} ${n === 1 ? one : many}`;
  }

  function parseDate(value) {
    if (!value) return null;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function localDateTime(value) {
    const d = parseDate(value);
    return d ? dateTimeFormat.format(d) : '';
  }

  function parseHttpUrl(value) {
    if (!value) return null;
    let u;
    try { u = new URL(value); } catch { return null; }
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname ? u : null;
  }

  function sectionName(id) {
    return state.sectionNames.get(id) || String(id);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text != null) node.textContent = String(text);
    return node;
  }

  // ---------------------------------------------------------------------------
  // Session

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
    state.session += 1;
    state.apiKey = key;
    state.me = me || {};
    try { sessionStorage.setItem(STORAGE_KEY, key); } catch { /* storage disabled: the key lives in memory only */ }

    els.apiKey.value = '';
    els.apiKey.removeAttribute('aria-invalid');
    setText(els.signInError, '');
    setText(els.signedInName, state.me.name || 'unknown');
    setText(els.signedInRole, state.me.role || '');
    els.signedInRole.hidden = !state.me.role;
    els.signedIn.hidden = false;
    els.signIn.hidden = true;
    els.console.hidden = false;

    resetCompose();
    loadSections();
    refreshHistory();
    refreshStats();
    clearInterval(state.historyTimer);
    state.historyTimer = setInterval(() => {
      if (document.hidden) return;
      refreshHistory();
      refreshStats();
    }, HISTORY_MS);
    els.title.focus();
  }

  function endSession(message) {
    state.session += 1;
    state.apiKey = null;
    state.me = null;
    try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* ignore */ }

    clearInterval(state.historyTimer);
    state.historyTimer = 0;
    state.historyLoading = false;
    state.historyAgain = false;
    state.statsLoading = false;
    stopTracking();
    clearTimeout(state.audienceTimer);
    if (state.audienceAbort) state.audienceAbort.abort();
    state.audienceAbort = null;
    state.audienceCount = null;
    state.audienceFor = null;
    els.audienceCount.classList.remove('is-loading');
    delete els.audienceCount.dataset.count;
    setText(els.audienceCount, 'Counting readers…');
    state.pending = null;
    state.sending = false;
    state.confirmBody = null;
    if (els.dialog.open) els.dialog.close('cancel');

    setSendBusy(false);
    resetCompose();
    els.progress.hidden = true;
    els.historyBody.replaceChildren(emptyRow('Loading…'));
    setText(els.historyUpdated, '');
    setText(els.historyError, '');
    state.stats = null;
    clearChart('Loading.');

    els.console.hidden = true;
    els.signedIn.hidden = true;
    els.signIn.hidden = false;
    setText(els.signInError, message || '');
    els.apiKey.value = '';
    els.apiKey.focus();
  }

  async function restoreSession() {
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

  // ---------------------------------------------------------------------------
  // Sections and audience

  async function loadSections() {
    if (state.sectionsLoaded) {
      afterSectionsChanged();
      return;
    }
    els.sectionsStatus.hidden = false;
    els.sectionsRetry.hidden = true;
    setText(els.sectionsStatus, 'Loading sections…');
    const session = state.session;
    try {
      const data = await api('/api/sections', { auth: false });
      if (session !== state.session) return;
      const list = Array.isArray(data) ? data : [];
      state.sections = list
        .filter((s) => s && s.id != null)
        .map((s) => ({ id: String(s.id), name: s.name != null ? String(s.name) : String(s.id) }));
      state.sectionNames = new Map(state.sections.map((s) => [s.id, s.name]));
      state.sectionsLoaded = true;
      renderSections();
      if (state.sections.length === 0) {
        setText(els.sectionsStatus, 'No sections are configured.');
      } else {
        els.sectionsStatus.hidden = true;
      }
    } catch (err) {
      if (session !== state.session || isAbort(err)) return;
      setText(els.sectionsStatus, `Could not load sections: ${err.message}`);
      els.sectionsRetry.hidden = false;
    }
    afterSectionsChanged();
  }

  function renderSections() {
    const nodes = state.sections.map((s) => {
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

  function afterSectionsChanged() {
    updatePreview();
    scheduleAudienceCount();
  }

  function checkedSections() {
    return Array.from(els.sectionOptions.querySelectorAll('input[name="section"]:checked'), (i) => i.value);
  }

  // null = everyone, otherwise the chosen section ids (maybe none).
  function audienceSelection() {
    return els.audienceEveryone.checked ? null : checkedSections();
  }

  function selectionKey(selection) {
    return selection === null ? '*' : selection.join(',');
  }

  function scheduleAudienceCount() {
    clearTimeout(state.audienceTimer);
    if (!state.apiKey) return;
    const selection = audienceSelection();
    if (selection !== null && selection.length === 0) {
      if (state.audienceAbort) state.audienceAbort.abort();
      state.audienceAbort = null;
      state.audienceCount = null;
      state.audienceFor = null;
      els.audienceCount.classList.remove('is-loading');
      delete els.audienceCount.dataset.count;
      setText(els.audienceCount, 'Choose at least one section to see how many readers it reaches.');
      return;
    }
    els.audienceCount.classList.add('is-loading');
    state.audienceTimer = setTimeout(() => fetchAudience(selection), AUDIENCE_DEBOUNCE_MS);
  }

  async function fetchAudience(selection) {
    if (state.audienceAbort) state.audienceAbort.abort();
    const controller = new AbortController();
    state.audienceAbort = controller;
    const session = state.session;
    const query = selection === null ? '' : `?sections=${selection.map(encodeURIComponent).join(',')}`;
    try {
      const data = await api(`/api/audience${query}`, { signal: controller.signal });
      if (controller.signal.aborted || session !== state.session) return;
      const n = count(data && data.count);
      state.audienceCount = n;
      state.audienceFor = selectionKey(selection);
      els.audienceCount.dataset.count = String(n);
      setText(els.audienceCount, `Will reach ${plural(n, 'reader', 'readers')}`);
    } catch (err) {
      if (isAbort(err) || session !== state.session) return;
      state.audienceCount = null;
      state.audienceFor = null;
      delete els.audienceCount.dataset.count;
      setText(els.audienceCount, `Could not count readers: ${err.message}`);
    } finally {
      if (state.audienceAbort === controller) {
        state.audienceAbort = null;
        els.audienceCount.classList.remove('is-loading');
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Compose and preview

  function onFormInput(event) {
    const target = event.target;
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

  function fieldOf(control) {
    if (!control) return null;
    if (control.name === 'audience' || control.name === 'section') return 'sections';
    return FIELDS.find((f) => FIELD_CONTROLS[f] === control.id) || null;
  }

  function updatePreview() {
    const title = els.title.value.trim();
    const body = els.body.value.trim();
    const url = els.url.value.trim();
    const image = els.image.value.trim();

    setText(els.titleCounter, `${els.title.value.length} / ${els.title.maxLength}`);
    setText(els.bodyCounter, `${els.body.value.length} / ${els.body.maxLength}`);

    setText(els.previewTitle, title || 'Your headline appears here');
    els.previewTitle.classList.toggle('is-placeholder', !title);
    setText(els.previewBody, body || 'The summary readers see under the headline.');
    els.previewBody.classList.toggle('is-placeholder', !body);

    const link = parseHttpUrl(url);
    if (link) {
      setText(els.previewHost, link.host);
      els.previewHost.classList.remove('is-placeholder', 'is-invalid');
    } else if (url) {
      setText(els.previewHost, 'link must start with http:// or https://');
      els.previewHost.classList.remove('is-placeholder');
      els.previewHost.classList.add('is-invalid');
    } else {
      setText(els.previewHost, 'link host');
      els.previewHost.classList.remove('is-invalid');
      els.previewHost.classList.add('is-placeholder');
    }

    updatePreviewImage(image);
    updatePreviewAudience();
    updatePreviewSchedule();
    els.sectionList.classList.toggle('is-inactive', els.audienceEveryone.checked);
  }

  function updatePreviewImage(value) {
    const img = els.previewImage;
    if (!value) {
      img.hidden = true;
      img.removeAttribute('src');
      els.previewImageNote.hidden = true;
      return;
    }
    const u = parseHttpUrl(value);
    if (!u) {
      img.hidden = true;
      img.removeAttribute('src');
      setText(els.previewImageNote, 'The image is shown only for an http:// or https:// address.');
      els.previewImageNote.hidden = false;
      return;
    }
    if (img.getAttribute('src') !== u.href) {
      img.src = u.href;
    }
    if (!img.dataset.failed || img.dataset.failed !== u.href) {
      img.hidden = false;
      els.previewImageNote.hidden = true;
    }
  }

  function onPreviewImageError() {
    const img = els.previewImage;
    if (!img.getAttribute('src')) return;
    img.dataset.failed = img.getAttribute('src');
    img.hidden = true;
    setText(els.previewImageNote, 'The image could not be loaded from that address.');
    els.previewImageNote.hidden = false;
  }

  function onPreviewImageLoad() {
    const img = els.previewImage;
    delete img.dataset.failed;
    if (img.getAttribute('src')) {
      img.hidden = false;
      els.previewImageNote.hidden = true;
    }
  }

  function updatePreviewAudience() {
    const selection = audienceSelection();
    let badges;
    if (selection === null) {
      badges = [el('span', 'badge badge-everyone', 'Everyone')];
    } else if (selection.length === 0) {
      badges = [el('span', 'badge badge-warning', 'No section chosen')];
    } else {
      badges = selection.map((id) => {
        const b = el('span', 'badge', sectionName(id));
        b.dataset.section = id;
        return b;
      });
    }
    els.previewAudience.replaceChildren(...badges);
  }

  function updatePreviewSchedule() {
    const value = els.sendAt.value;
    const d = value ? parseDate(value) : null;
    if (!d) {
      els.previewSchedule.hidden = true;
      setText(els.previewSchedule, '');
      return;
    }
    const past = d.getTime() <= Date.now();
    setText(els.previewSchedule, past
      ? `Scheduled for ${dateTimeFormat.format(d)} — that time has passed.`
      : `Scheduled for ${dateTimeFormat.format(d)} (your time).`);
    els.previewSchedule.classList.toggle('is-invalid', past);
    els.previewSchedule.hidden = false;
  }

  function resetCompose() {
    els.form.reset();
    clearErrors();
    setText(els.sendStatus, '');
    delete els.previewImage.dataset.failed;
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

    if (Object.keys(errors).length > 0) return { errors };

    const request = { title, body, url, sections: selection };
    if (imageUrl) request.imageUrl = imageUrl;
    if (ttlSeconds !== undefined) request.ttlSeconds = ttlSeconds;
    if (sendAt !== undefined) request.sendAt = sendAt;
    return { body: request };
  }

  function onComposeSubmit(event) {
    event.preventDefault();
    if (state.sending || !state.apiKey) return;
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
    state.confirmBody = body;
    const known = state.audienceFor === '*' && state.audienceCount !== null;
    setText(els.confirmMessage, known
      ? `This alert will go to every subscriber: ${plural(state.audienceCount, 'reader', 'readers')}.`
      : 'This alert will go to every subscriber.');
    const when = body.sendAt ? ` — scheduled for ${localDateTime(body.sendAt)}` : '';
    setText(els.confirmAlertTitle, `“${body.title}”${when}`);
    els.dialog.returnValue = '';
    els.dialog.showModal();
    els.confirmCancel.focus();
  }

  function onDialogClose() {
    const body = state.confirmBody;
    state.confirmBody = null;
    if (els.dialog.returnValue === 'send' && body && state.apiKey) {
      send(body);
    } else if (state.apiKey) {
      els.sendButton.focus();
    }
  }

  async function send(body) {
    if (state.sending) return;
    const fingerprint = JSON.stringify(body);
    if (!state.pending || state.pending.fingerprint !== fingerprint) {
      // A new compose (or a changed one) gets a new key; a retry of the same send reuses it,
      // so the server can recognise the retry and not send the alert twice.
      state.pending = { key: newUuid(), fingerprint };
    }
    const idempotencyKey = state.pending.key;
    const session = state.session;
    state.sending = true;
    setSendBusy(true);
    try {
      const result = await api('/api/alerts', {
        method: 'POST',
        json: body,
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      if (session !== state.session) return;
      state.pending = null;
      const status = (result && result.status) || (body.sendAt ? 'scheduled' : 'queued');
      resetCompose();
      setText(els.sendStatus, status === 'scheduled'
        ? `Scheduled for ${localDateTime(body.sendAt)}.`
        : 'Alert queued for sending.');
      if (result && result.id != null) {
        track(String(result.id), {
          id: result.id,
          kind: 'breaking',
          status,
          title: body.title,
          sections: body.sections,
          sendAt: body.sendAt || null,
          createdBy: state.me && state.me.name,
          targeted: 0, sent: 0, failed: 0, gone: 0, clicked: 0,
        });
        els.progressHeading.focus();
      }
      refreshHistory();
      refreshStats();
    } catch (err) {
      if (session !== state.session || isAbort(err)) return;
      showApiError(err);
    } finally {
      if (session === state.session) {
        state.sending = false;
        setSendBusy(false);
      }
    }
  }

  function setSendBusy(busy) {
    els.sendButton.disabled = busy;
    els.form.setAttribute('aria-busy', busy ? 'true' : 'false');
    els.sendButton.classList.toggle('is-busy', busy);
  }

  // ---------------------------------------------------------------------------
  // Errors next to the fields

  function normaliseField(key) {
    let k = String(key || '').trim().replace(/^\$\.?/, '');
    k = k.split(/[.[]/)[0];
    if (!k) return null;
    const lower = k.toLowerCase();
    if (FIELD_ALIASES[lower]) return FIELD_ALIASES[lower];
    return FIELDS.find((f) => f.toLowerCase() === lower) || null;
  }

  function messagesOf(value) {
    const list = Array.isArray(value) ? value : [value];
    return list.filter((m) => m != null && m !== '').map((m) => (typeof m === 'string' ? m : JSON.stringify(m)));
  }

  function showApiError(err) {
    const problem = err.problem || {};
    const errors = problem.errors && typeof problem.errors === 'object' ? problem.errors : null;
    const unmatched = [];
    let matched = false;
    if (errors) {
      for (const [key, value] of Object.entries(errors)) {
        const messages = messagesOf(value);
        if (messages.length === 0) continue;
        const field = normaliseField(key);
        if (field) {
          showFieldError(field, messages.join(' '));
          matched = true;
        } else {
          unmatched.push(...messages);
        }
      }
    }
    if (!matched) {
      let text = err.status === 403 && !problem.detail
        ? 'Your API key is not allowed to send alerts.'
        : err.message;
      if (unmatched.length) text = `${text} ${unmatched.join(' ')}`;
      if (err.status === 0) text = `${text} Pressing Send again will not send the alert twice.`;
      setText(els.formError, text);
    } else {
      if (unmatched.length) setText(els.formError, unmatched.join(' '));
      focusFirstError();
    }
  }

  function showFieldError(field, message) {
    const target = $(`error-${field}`);
    if (!target) {
      setText(els.formError, message);
      return;
    }
    const previous = target.textContent;
    setText(target, previous ? `${previous} ${message}` : message);
    const control = $(FIELD_CONTROLS[field]);
    if (control) control.setAttribute('aria-invalid', 'true');
  }

  function clearFieldError(field) {
    if (!field) return;
    const target = $(`error-${field}`);
    if (target) setText(target, '');
    const control = $(FIELD_CONTROLS[field]);
    if (control) control.removeAttribute('aria-invalid');
  }

  function clearErrors() {
    for (const field of FIELDS) clearFieldError(field);
    setText(els.formError, '');
  }

  function focusFirstError() {
    for (const field of FIELDS) {
      const target = $(`error-${field}`);
      if (!target || !target.textContent) continue;
      if (field === 'sections') {
        const first = els.sectionOptions.querySelector('input[name="section"]') || els.audienceSections;
        first.focus();
      } else {
        $(FIELD_CONTROLS[field]).focus();
      }
      return;
    }
  }

  // ---------------------------------------------------------------------------
  // Delivery progress

  function track(id, initial) {
    stopTracking();
    const tracker = { id, timer: 0, abort: null, alert: initial || null, failures: 0, finished: false };
    state.tracking = tracker;
    setText(els.progressError, '');
    els.progress.hidden = false;
    if (initial) renderProgress(initial);
    else renderProgressLoading();
    poll(tracker);
  }

  function stopTracking() {
    const t = state.tracking;
    if (!t) return;
    clearTimeout(t.timer);
    if (t.abort) t.abort.abort();
    state.tracking = null;
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
    if (state.tracking !== tracker) return;
    const controller = new AbortController();
    tracker.abort = controller;
    try {
      const alert = await api(`/api/alerts/${encodeURIComponent(tracker.id)}`, { signal: controller.signal });
      if (state.tracking !== tracker || controller.signal.aborted) return;
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
      if (isAbort(err) || state.tracking !== tracker) return;
      if (err.status === 404) {
        setText(els.progressError, 'This notification could not be found.');
        tracker.finished = true;
        els.cancelButton.hidden = true;
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
      detail = `Finished. ${plural(count(alert.clicked), 'click', 'clicks')} so far.`;
    } else if (status === 'cancelled') {
      detail = 'Cancelled. Readers not yet reached will not get it.';
    } else if (status === 'failed') {
      detail = 'Delivery failed.';
    } else if (status === 'queued') {
      detail = 'Waiting for a worker to start sending.';
    }
    setText(els.progressDetail, detail);

    const tracker = state.tracking;
    els.cancelButton.hidden = !(CANCELLABLE_STATUSES.has(status) && tracker && !tracker.finished);
  }

  async function onCancel() {
    const tracker = state.tracking;
    if (!tracker) return;
    els.cancelButton.disabled = true;
    setText(els.progressError, '');
    try {
      await api(`/api/alerts/${encodeURIComponent(tracker.id)}`, { method: 'DELETE' });
      if (state.tracking !== tracker) return;
      refreshHistory();
    } catch (err) {
      if (isAbort(err) || state.tracking !== tracker) return;
      setText(els.progressError, err.status === 409 && !err.problem.detail
        ? 'This notification has already finished and can no longer be cancelled.'
        : err.message);
    } finally {
      els.cancelButton.disabled = false;
    }
    if (state.tracking === tracker) pollNow(tracker);
  }

  // ---------------------------------------------------------------------------
  // History

  function kindLabel(kind) {
    const labels = { article: 'Article', breaking: 'Breaking', digest: 'Digest' };
    return labels[kind] || String(kind);
  }

  function audienceLabel(sections) {
    if (!Array.isArray(sections)) return 'Everyone';
    if (sections.length === 0) return 'No sections';
    return sections.map(sectionName).join(', ');
  }

  function ctr(clicked, sent) {
    return sent > 0 ? percentFormat.format(clicked / sent) : '—';
  }

  function emptyRow(text) {
    const tr = el('tr', 'empty-row');
    const td = el('td', null, text);
    td.colSpan = 11;
    tr.append(td);
    return tr;
  }

  async function refreshHistory() {
    if (!state.apiKey) return;
    if (state.historyLoading) {
      state.historyAgain = true;
      return;
    }
    state.historyLoading = true;
    const session = state.session;
    try {
      const data = await api(`/api/alerts?limit=${HISTORY_LIMIT}`);
      if (session !== state.session) return;
      const items = Array.isArray(data) ? data : (data && Array.isArray(data.items) ? data.items : []);
      renderHistory(items);
      setText(els.historyError, '');
      setText(els.historyUpdated, `Updated ${timeFormat.format(new Date())}`);
    } catch (err) {
      if (session !== state.session || isAbort(err)) return;
      setText(els.historyError, `Could not load recent notifications: ${err.message}`);
    } finally {
      if (session === state.session) {
        state.historyLoading = false;
        if (state.historyAgain) {
          state.historyAgain = false;
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
    const open = el('button', 'link-button', alert.title || '(no title)');
    open.type = 'button';
    open.dataset.id = id;
    open.title = 'Show delivery progress';
    titleCell.append(open);

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
      el('td', 'num col-clicked', fmt(clicked)),
      el('td', 'num col-ctr', ctr(clicked, sent)),
    );
    return tr;
  }

  function onHistoryClick(event) {
    const button = event.target.closest('button.link-button');
    if (!button || !els.historyBody.contains(button)) return;
    const id = button.dataset.id;
    if (!id) return;
    if (state.tracking && state.tracking.id === id) {
      pollNow(state.tracking);
    } else {
      track(id, null);
    }
    els.progress.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  // ---------------------------------------------------------------------------
  // Chart

  async function refreshStats() {
    if (!state.apiKey || state.statsLoading) return;
    state.statsLoading = true;
    const session = state.session;
    try {
      const data = await api(`/api/alerts/stats?hours=${STATS_HOURS}`);
      if (session !== state.session) return;
      const list = Array.isArray(data) ? data : [];
      state.stats = list
        .map((p) => ({ hour: parseDate(p && p.hour), sent: count(p && p.sent), clicks: count(p && p.clicks) }))
        .filter((p) => p.hour);
      setText(els.chartError, '');
      drawChart();
    } catch (err) {
      if (session !== state.session || isAbort(err)) return;
      setText(els.chartError, `Could not load the hourly figures: ${err.message}`);
    } finally {
      if (session === state.session) state.statsLoading = false;
    }
  }

  function hourLabel(date) {
    return `${String(date.getHours()).padStart(2, '0')}:00`;
  }

  function niceScale(max) {
    if (max <= 0) return { top: 4, step: 1 };
    const raw = max / 4;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const norm = raw / magnitude;
    let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
    step = Math.max(1, Math.round(step));
    return { top: Math.max(step, Math.ceil(max / step) * step), step };
  }

  function clearChart(description) {
    const svgEl = els.chart;
    for (const child of Array.from(svgEl.childNodes)) {
      if (child.nodeName !== 'title' && child.nodeName !== 'desc') child.remove();
    }
    setText(els.chartDesc, description);
    els.chartTableBody.replaceChildren();
  }

  function drawChart() {
    const points = state.stats;
    if (!points) return;
    const svgEl = els.chart;
    const width = Math.max(280, Math.floor(els.chartWrap.clientWidth || 600));
    const narrow = width < 520;
    const height = narrow ? 220 : 260;
    state.chartWidth = width;

    const totalSent = points.reduce((s, p) => s + p.sent, 0);
    const totalClicks = points.reduce((s, p) => s + p.clicks, 0);
    let busiest = null;
    for (const p of points) if (p.sent > 0 && (!busiest || p.sent > busiest.sent)) busiest = p;

    clearChart(points.length === 0
      ? 'No figures yet.'
      : `${plural(totalSent, 'notification', 'notifications')} sent and ${plural(totalClicks, 'click', 'clicks')} ` +
        `in the last ${STATS_HOURS} hours.` +
        (busiest ? ` Busiest hour: ${hourLabel(busiest.hour)} with ${fmt(busiest.sent)} sent.` : ''));

    svgEl.setAttribute('width', String(width));
    svgEl.setAttribute('height', String(height));
    svgEl.setAttribute('viewBox', `0 0 ${width} ${height}`);

    const m = { top: 40, right: 12, bottom: 44, left: narrow ? 44 : 52 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;
    const maxValue = points.reduce((mx, p) => Math.max(mx, p.sent, p.clicks), 0);
    const { top, step } = niceScale(maxValue);
    const y = (v) => m.top + plotH - (v / top) * plotH;

    const root = svg('g', { class: 'chart-root' });

    // Legend
    const legend = svg('g', { class: 'chart-legend', transform: `translate(${m.left},14)` });
    legend.append(
      svg('rect', { x: 0, y: 0, width: 12, height: 12, rx: 2, class: 'bar-sent' }),
      svg('text', { x: 18, y: 10, class: 'chart-label' }, 'Sent'),
      svg('rect', { x: 66, y: 0, width: 12, height: 12, rx: 2, class: 'bar-clicks' }),
      svg('text', { x: 84, y: 10, class: 'chart-label' }, 'Clicks'),
    );
    root.append(legend);

    // Grid and y axis
    const grid = svg('g', { class: 'chart-grid' });
    for (let v = 0; v <= top; v += step) {
      const yy = y(v);
      grid.append(
        svg('line', { x1: m.left, x2: m.left + plotW, y1: yy, y2: yy, class: v === 0 ? 'axis-line' : 'grid-line' }),
        svg('text', { x: m.left - 6, y: yy + 4, class: 'chart-tick', 'text-anchor': 'end' }, fmt(v)),
      );
    }
    root.append(grid);
    root.append(svg('text', {
      class: 'chart-axis-title',
      'text-anchor': 'middle',
      transform: `translate(12,${m.top + plotH / 2}) rotate(-90)`,
    }, 'Per hour'));

    // Bars and x axis
    const n = points.length;
    const bars = svg('g', { class: 'chart-bars' });
    const xLabels = svg('g', { class: 'chart-x' });
    if (n > 0) {
      const groupW = plotW / n;
      const barW = Math.max(1, Math.min(14, (groupW - 2) / 2));
      const labelEvery = narrow ? 6 : 3;
      points.forEach((p, i) => {
        const gx = m.left + i * groupW;
        const center = gx + groupW / 2;
        const label = hourLabel(p.hour);
        const group = svg('g', { class: 'chart-hour' });
        group.append(svg('title', null, `${label}: ${fmt(p.sent)} sent, ${fmt(p.clicks)} clicks`));
        const sentH = (p.sent / top) * plotH;
        const clickH = (p.clicks / top) * plotH;
        group.append(
          svg('rect', { x: center - barW, y: m.top + plotH - sentH, width: barW, height: sentH, class: 'bar-sent' }),
          svg('rect', { x: center, y: m.top + plotH - clickH, width: barW, height: clickH, class: 'bar-clicks' }),
          // A transparent full-height target so the tooltip works on empty hours too.
          svg('rect', { x: gx, y: m.top, width: groupW, height: plotH, class: 'bar-hit' }),
        );
        bars.append(group);
        if (i % labelEvery === 0 || i === n - 1) {
          xLabels.append(
            svg('line', { x1: center, x2: center, y1: m.top + plotH, y2: m.top + plotH + 4, class: 'axis-line' }),
            svg('text', { x: center, y: m.top + plotH + 17, class: 'chart-tick', 'text-anchor': 'middle' }, label),
          );
        }
      });
    } else {
      root.append(svg('text', {
        x: m.left + plotW / 2, y: m.top + plotH / 2, class: 'chart-empty', 'text-anchor': 'middle',
      }, 'No figures yet'));
    }
    root.append(bars, xLabels);
    root.append(svg('text', {
      x: m.left + plotW / 2, y: height - 6, class: 'chart-axis-title', 'text-anchor': 'middle',
    }, 'Hour (your local time)'));

    svgEl.append(root);

    // The same figures as a table, for anyone who prefers numbers.
    els.chartTableBody.replaceChildren(...points.map((p) => {
      const tr = document.createElement('tr');
      const th = el('th', null, `${p.hour.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${hourLabel(p.hour)}`);
      th.scope = 'row';
      tr.append(th, el('td', 'num', fmt(p.sent)), el('td', 'num', fmt(p.clicks)));
      return tr;
    }));
  }

  function watchChartSize() {
    if (typeof ResizeObserver !== 'function') {
      window.addEventListener('resize', () => drawChart());
      return;
    }
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const width = Math.floor(els.chartWrap.clientWidth);
        if (width > 0 && Math.abs(width - state.chartWidth) > 8) drawChart();
      });
    });
    observer.observe(els.chartWrap);
  }

  // ---------------------------------------------------------------------------
  // Wiring

  function init() {
    try {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) setText(els.sendAtZone, ` (${zone})`);
    } catch { /* no time zone name available */ }

    els.signInForm.addEventListener('submit', onSignIn);
    els.signOutButton.addEventListener('click', () => endSession(''));

    els.form.addEventListener('submit', onComposeSubmit);
    els.form.addEventListener('input', onFormInput);
    els.form.addEventListener('change', onFormChange);
    els.sectionsRetry.addEventListener('click', () => loadSections());
    els.previewImage.addEventListener('error', onPreviewImageError);
    els.previewImage.addEventListener('load', onPreviewImageLoad);

    els.confirmSend.addEventListener('click', () => els.dialog.close('send'));
    els.confirmCancel.addEventListener('click', () => els.dialog.close('cancel'));
    els.dialog.addEventListener('close', onDialogClose);

    els.cancelButton.addEventListener('click', onCancel);
    els.historyBody.addEventListener('click', onHistoryClick);

    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && state.apiKey) {
        refreshHistory();
        refreshStats();
      }
    });

    watchChartSize();
    updatePreview();
    restoreSession();
  }

  init();
})();
