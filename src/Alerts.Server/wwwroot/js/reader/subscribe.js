/*
 * The subscribe view: the soft prompt, then the chooser, then (once subscribed) the summary. The
 * front page mounts it in its panel; alerts.js mounts it in its card on a publisher's site.
 */
import { TEXT, describeFailure, isAuthFailure, isGone } from './messages.js';
import { el, button, createStatus } from './ui.js';
import { storage, isPromptDismissed, rememberDismissal, forgetDismissal } from './device-store.js';
import { pickPreferences, createPreferencesForm, createSummary, sectionsToShow } from './preferences.js';
import { subscribeDevice } from './push.js';

/**
 * The soft prompt, the chooser and, once subscribed, the summary.
 * options:
 *   api, container (filled), host (shown/hidden; default container),
 *   sections (array or promise of [{id,name}]; default: GET /api/sections), offer (section ids), preselect (section ids),
 *   workerUrl (default /sw.js), workerScope, manageUrl | onManage, onDismiss,
 *   verifyOnLoad (default true: check a stored subscription with GET at once; false: only when opened),
 *   collapsible (after "Not now" leave a "Get desktop notifications" button instead of hiding the host),
 *   headingLevel (default 3).
 * Returns {ready, open(), dismiss()}.
 */
export function mountSubscribe(options) {
  const api = options.api;
  const container = options.container;
  const host = options.host || container;
  const worker = { url: options.workerUrl || '/sw.js', scope: options.workerScope };
  const status = createStatus();
  let allSections = [];
  let record = null;
  let current = null;
  let verified = false;
  let busy = false;
  let view = 'loading';

  const yes = button('Yes, choose sections', { id: 'soft-prompt-yes', variant: 'primary' });
  const no = button('Not now', { id: 'soft-prompt-no', variant: 'secondary' });
  const prompt = el('div', { id: 'soft-prompt', className: 'alerts-prompt', hidden: true }, [
    el('p', { className: 'alerts-prompt__text', text: TEXT.prompt }),
    el('div', { className: 'alerts-actions' }, [yes, no])
  ]);
  const subscribeButton = button('Subscribe', { id: 'subscribe-button', type: 'submit', variant: 'primary' });
  const form = createPreferencesForm({
    id: 'subscribe-form', heading: 'Choose your notifications', headingLevel: options.headingLevel, actions: [subscribeButton]
  });
  form.element.hidden = true;
  const summary = createSummary({ manageUrl: options.manageUrl, onManage: options.onManage });
  const reopen = options.collapsible
    ? button('Get desktop notifications', { id: 'soft-prompt-open', variant: 'secondary', hidden: true })
    : null;
  container.replaceChildren(el('div', { className: 'alerts-ui' }, [prompt, form.element, status.element, summary.element, reopen]));

  function show(next) {
    view = next;
    prompt.hidden = next !== 'prompt';
    form.element.hidden = next !== 'chooser';
    summary.element.hidden = next !== 'summary';
    if (reopen) reopen.hidden = next !== 'collapsed';
    host.hidden = next === 'closed' || next === 'loading';
  }

  function showSummary() {
    summary.render(current, allSections);
    show('summary');
  }

  function nameSections() {
    form.setSections(sectionsToShow(allSections, options.offer, []), options.preselect || []);
  }

  async function loadSections() {
    if (allSections.length) return true;
    try {
      allSections = (await Promise.resolve(options.sections || api.sections())) || [];
      if (!allSections.length) allSections = await api.sections();
    } catch (e) {
      try {
        allSections = await api.sections();
      } catch (error) {
        status.set('error', describeFailure(error, 'Could not load the sections: ').message);
        return false;
      }
    }
    nameSections();
    return allSections.length > 0;
  }

  /** Checks the stored subscription with the server; false when it no longer exists there. */
  async function verify() {
    try {
      current = pickPreferences(await api.getSubscription(record.id, record.token));
      verified = true;
      record = await storage.save(Object.assign({}, record, { preferences: current }));
      return true;
    } catch (error) {
      if (isGone(error) || isAuthFailure(error)) {
        await storage.clear();
        record = null;
        current = null;
        return false;
      }
      // The service is unreachable: show what this device last knew.
      status.set('error', describeFailure(error, 'Could not check your notification settings: ').message);
      current = record.preferences ? pickPreferences(record.preferences) : null;
      return current !== null;
    }
  }

  function dismiss() {
    rememberDismissal();
    show(options.collapsible ? 'collapsed' : 'closed');
    if (options.onDismiss) options.onDismiss();
  }

  async function open() {
    await ready;
    if (busy) return;
    if (view === 'chooser') {
      host.hidden = false;
      form.heading.focus();
      return;
    }
    if (record) {
      if (!verified && !(await verify())) {
        openPrompt();
        return;
      }
      if (status.state() !== 'error') status.set('subscribed', TEXT.alreadySubscribed);
      showSummary();
      summary.element.focus();
      return;
    }
    openPrompt();
  }

  function openPrompt() {
    status.clear();
    show('prompt');
    yes.focus();
  }

  yes.addEventListener('click', async function () {
    if (busy) return;
    if (!(await loadSections())) return;
    status.clear();
    show('chooser');
    form.heading.focus();
  });

  no.addEventListener('click', function () {
    if (busy) return;
    dismiss();
  });

  if (reopen) reopen.addEventListener('click', function () { open(); });

  form.element.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    const problem = form.validate();
    if (problem) {
      status.set('error', problem.message);
      problem.field.focus();
      return;
    }
    subscribe(form.read());
  });

  // Not async up to subscribeDevice's first await: the permission question must start inside the submit event.
  function subscribe(preferences) {
    busy = true;
    form.setBusy(true);
    status.set('pending', 'Subscribing\u2026');
    return subscribeDevice(api, preferences, worker).then(function (result) {
      record = result.record;
      current = result.subscription;
      verified = true;
      forgetDismissal();
      showSummary();
      status.set('subscribed', TEXT.subscribed);
      summary.element.focus();
      if (options.onSubscribed) options.onSubscribed(current);
    }, function (error) {
      const failure = describeFailure(error, 'Could not subscribe: ');
      status.set(failure.state, failure.message);
    }).then(function () {
      busy = false;
      form.setBusy(false);
    });
  }

  const ready = (async function () {
    show('loading');
    record = await storage.load(api.base);
    const sectionsLoaded = loadSections();
    if (record) {
      if (options.verifyOnLoad === false) {
        show('closed');
        await sectionsLoaded;
        return;
      }
      const subscribed = await verify();
      await sectionsLoaded;
      if (subscribed) {
        if (status.state() !== 'error') status.set('subscribed', TEXT.alreadySubscribed);
        showSummary();
        return;
      }
    }
    await sectionsLoaded;
    if (isPromptDismissed()) show(options.collapsible ? 'collapsed' : 'closed');
    else show('prompt');
  })();

  return {
    ready: ready,
    open: open,
    dismiss: dismiss,
    isSubscribed: function () { return !!record; }
  };
}
