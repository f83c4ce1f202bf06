/*
 * The manage view: this device's subscription with Save changes, Pause/Resume and Unsubscribe,
 * and the sections muted for now (mutes.js) with Lift and "Mute for a day".
 * /notifications mounts it; alerts.js mounts it in its card behind "Manage notifications".
 */
import { TEXT, describeFailure, isAuthFailure, isGone } from './messages.js';
import { el, button, createStatus, linkOrButton } from './ui.js';
import { storage } from './device-store.js';
import { pickPreferences, createPreferencesForm, createSummary, sectionsToShow } from './preferences.js';
import { unsubscribeDevice } from './push.js';
import { createMutes, pickMutes } from './mutes.js';

/**
 * The subscription's settings with Save changes, Pause/Resume and Unsubscribe.
 * options: api, container, sections, offer, workerUrl, headingLevel (default 2),
 *   subscribeTarget (URL or function: where "subscribe" links lead), onBack, onUnsubscribed.
 */
export function mountManage(options) {
  const api = options.api;
  const container = options.container;
  const workerUrl = options.workerUrl || '/sw.js';
  const status = createStatus();
  let allSections = [];
  let record = null;
  let current = null;
  let mutes = [];
  let busy = false;

  const save = button('Save changes', { id: 'save-button', type: 'submit', variant: 'primary' });
  const pause = button('Pause notifications', { id: 'pause-button', variant: 'secondary' });
  const unsubscribe = button('Unsubscribe', { id: 'unsubscribe-button', variant: 'danger' });
  const back = options.onBack ? button('Back', { variant: 'link', onclick: function () { if (!busy) options.onBack(); } }) : null;
  const form = createPreferencesForm({
    id: 'manage-form', heading: 'Your notifications', headingLevel: options.headingLevel || 2, dailyLimit: true,
    actions: [save, pause, unsubscribe, back]
  });
  const summary = createSummary({});
  const muted = createMutes({ headingLevel: options.headingLevel || 2, onLift: lift, onMute: muteForADay });
  form.element.hidden = true;
  container.replaceChildren(el('div', { className: 'alerts-ui alerts-ui--manage' },
    [summary.element, form.element, muted.element, status.element]));

  function subscribeLink(label) {
    return linkOrButton(options.subscribeTarget === undefined ? '/' : options.subscribeTarget, label);
  }

  function showOnly(message, state, linkLabel) {
    form.element.hidden = true;
    summary.element.hidden = true;
    muted.hide();
    status.set(state, message, subscribeLink(linkLabel));
  }

  function render() {
    form.setSections(sectionsToShow(allSections, options.offer, current.sections), current.sections);
    form.fill(current);
    summary.render(current, allSections);
    summary.element.hidden = false;
    form.element.hidden = false;
    pause.textContent = current.paused ? 'Resume notifications' : 'Pause notifications';
    muted.render(mutes, allSections, current.sections);
  }

  async function forget(message, state) {
    await storage.clear();
    record = null;
    showOnly(message, state, 'Subscribe again');
  }

  function setBusy(value) {
    busy = value;
    form.setBusy(value);
    muted.setBusy(value);
  }

  /** A failed call: a subscription that is gone or no longer ours is forgotten on this device, anything else is shown. */
  async function fail(error, prefix) {
    if (isGone(error)) await forget(TEXT.subscriptionGone, 'none');
    else if (isAuthFailure(error)) await forget(TEXT.keyRejected, 'error');
    else status.set('error', describeFailure(error, prefix).message);
  }

  /** Runs a mute change, then reads the subscription again for the mutes as the server has them. */
  async function changeMutes(call, done) {
    if (busy || !record) return;
    setBusy(true);
    status.set('pending', done.pending);
    try {
      await call();
      mutes = pickMutes(await api.getSubscription(record.id, record.token));
      render();
      status.set('saved', done.message);
    } catch (error) {
      await fail(error, done.failure);
    } finally {
      setBusy(false);
    }
  }

  function lift(section, name) {
    return changeMutes(function () {
      return api.liftMute(record.id, record.token, section);
    }, { pending: 'Lifting the mute on ' + name + '\u2026', message: name + ' is no longer muted.', failure: 'Could not lift the mute on ' + name + ': ' });
  }

  function muteForADay(section, name) {
    return changeMutes(function () {
      return api.muteSection(record.id, record.token, section, 24);
    }, { pending: 'Muting ' + name + '\u2026', message: name + ' is muted for a day.', failure: 'Could not mute ' + name + ': ' });
  }

  async function update(preferences, done) {
    setBusy(true);
    status.set('pending', done.pending);
    try {
      const answer = await api.updateSubscription(record.id, record.token, preferences);
      current = pickPreferences(answer, preferences);
      if (answer && Array.isArray(answer.mutes)) mutes = pickMutes(answer);
      const token = answer && typeof answer.token === 'string' && answer.token ? answer.token : record.token;
      record = await storage.save(Object.assign({}, record, { token: token, preferences: current }));
      render();
      status.set(done.state, done.message);
    } catch (error) {
      await fail(error, done.failure);
    } finally {
      setBusy(false);
    }
  }

  form.element.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy || !record) return;
    const problem = form.validate();
    if (problem) {
      status.set('error', problem.message);
      problem.field.focus();
      return;
    }
    const preferences = form.read();
    preferences.paused = !!current.paused;
    update(preferences, { pending: 'Saving your changes\u2026', state: 'saved', message: TEXT.saved, failure: 'Could not save your changes: ' });
  });

  pause.addEventListener('click', function () {
    if (busy || !record) return;
    const preferences = pickPreferences(current);
    preferences.paused = !current.paused;
    update(preferences, preferences.paused
      ? { pending: 'Pausing notifications\u2026', state: 'paused', message: TEXT.paused, failure: 'Could not pause notifications: ' }
      : { pending: 'Resuming notifications\u2026', state: 'saved', message: TEXT.resumed, failure: 'Could not resume notifications: ' });
  });

  unsubscribe.addEventListener('click', async function () {
    if (busy || !record) return;
    setBusy(true);
    status.set('pending', 'Unsubscribing\u2026');
    try {
      try {
        await api.deleteSubscription(record.id, record.token);
      } catch (error) {
        // Already gone, or this device's key no longer works: the browser side is still removed below,
        // and the service drops a subscription whose push service answers "gone".
        if (!isGone(error) && !isAuthFailure(error)) throw error;
      }
      try {
        await unsubscribeDevice(workerUrl);
      } catch (e) {
        // The server record is gone, so nothing more is sent to this browser either way.
      }
      await storage.clear();
      record = null;
      current = null;
      showOnly(TEXT.unsubscribed, 'unsubscribed', 'Subscribe again');
      status.element.focus();
      if (options.onUnsubscribed) options.onUnsubscribed();
    } catch (error) {
      status.set('error', describeFailure(error, 'Could not unsubscribe: ').message);
    } finally {
      setBusy(false);
    }
  });

  const ready = (async function () {
    status.set('pending', 'Loading your notification settings\u2026');
    const loaded = await Promise.all([
      storage.load(api.base),
      Promise.resolve(options.sections || api.sections()).catch(function () { return null; })
    ]);
    record = loaded[0];
    allSections = loaded[1] || [];
    if (!record) {
      showOnly(TEXT.notSubscribed, 'none', 'Go to the front page to subscribe');
      return;
    }
    try {
      if (!allSections.length) allSections = await api.sections();
      const answer = await api.getSubscription(record.id, record.token);
      current = pickPreferences(answer);
      mutes = pickMutes(answer);
    } catch (error) {
      await fail(error, 'Could not load your notification settings: ');
      return;
    }
    record = await storage.save(Object.assign({}, record, { preferences: current }));
    render();
    status.clear();
  })();

  return { ready: ready };
}
