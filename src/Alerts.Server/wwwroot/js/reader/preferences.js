/*
 * The reader's choices: which sections, how often (instant, daily or hourly digest), quiet hours,
 * a daily limit on article alerts, paused. Reading them from the API, describing them in words, and the chooser form that edits them.
 */
import { el, button, setBusy } from './ui.js';

const DEFAULT_DIGEST_TIME = '08:00';
const DEFAULT_QUIET_FROM = '22:00';
const DEFAULT_QUIET_TO = '07:00';
/** The limits offered; the API takes any whole number from 1 to 50 (a value set elsewhere is shown too). */
const DAILY_LIMITS = [1, 2, 3, 5, 10, 20, 50];

/** "World", "World and Sports", "Pakistan, World and Sports". */
function joinNames(names) {
  if (names.length <= 1) return names.join('');
  return names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
}

/** "08:00:00" or "8:00" → "08:00"; anything else → "". */
function hhmm(value) {
  const match = /^(\d{1,2}):(\d{2})/.exec(typeof value === 'string' ? value.trim() : '');
  if (!match) return '';
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return '';
  return String(hours).padStart(2, '0') + ':' + match[2];
}

function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch (e) {
    return 'UTC';
  }
}

function normalizeDelivery(delivery) {
  if (!delivery || delivery.mode !== 'digest') return { mode: 'instant' };
  if (delivery.frequency === 'hourly') {
    const result = { mode: 'digest', frequency: 'hourly' };
    if (hhmm(delivery.at)) result.at = hhmm(delivery.at);
    return result;
  }
  return { mode: 'digest', frequency: 'daily', at: hhmm(delivery.at) || DEFAULT_DIGEST_TIME };
}

/** A whole number from 1 to 50, else null (no limit). */
function normalizeMaxPerDay(value) {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 50 ? n : null;
}

function normalizeQuietHours(quietHours) {
  if (!quietHours || !hhmm(quietHours.from) || !hhmm(quietHours.to)) return null;
  return { from: hhmm(quietHours.from), to: hhmm(quietHours.to) };
}

/** The preference part of a subscribe/update body, from an API answer (missing fields from fallback). */
export function pickPreferences(source, fallback) {
  const s = source || {};
  const f = fallback || {};
  return {
    sections: Array.isArray(s.sections) ? s.sections.slice() : (Array.isArray(f.sections) ? f.sections.slice() : []),
    delivery: normalizeDelivery(s.delivery || f.delivery),
    quietHours: normalizeQuietHours(s.quietHours !== undefined ? s.quietHours : f.quietHours),
    timeZone: s.timeZone || f.timeZone || browserTimeZone(),
    maxPerDay: normalizeMaxPerDay(s.maxPerDay !== undefined ? s.maxPerDay : f.maxPerDay),
    paused: typeof s.paused === 'boolean' ? s.paused : !!f.paused
  };
}

function describeDelivery(delivery) {
  const d = normalizeDelivery(delivery);
  if (d.mode === 'instant') return 'instant alerts';
  if (d.frequency === 'hourly') return 'an hourly digest';
  return 'a daily digest at ' + d.at;
}

/** "You're subscribed to World and Sports — instant alerts." */
export function describeSubscription(preferences, nameOf) {
  const names = (preferences.sections || []).map(nameOf);
  const what = names.length ? 'You\'re subscribed to ' + joinNames(names) : 'You\'re subscribed';
  return what + ' \u2014 ' + describeDelivery(preferences.delivery) + '.';
}

export function sectionNamer(sections) {
  const names = {};
  (sections || []).forEach(function (s) { names[s.id] = s.name; });
  return function (id) { return names[id] || id; };
}

/** "1 article alert a day", "5 article alerts a day". */
function describeLimit(limit) {
  return limit + (limit === 1 ? ' article alert a day' : ' article alerts a day');
}

export function createSummary(options) {
  const text = el('p', { className: 'alerts-summary__text' });
  const details = el('p', { className: 'alerts-summary__details' });
  let action = null;
  if (options.manageUrl) {
    action = el('a', { href: options.manageUrl, className: 'alerts-button alerts-button--secondary', text: 'Manage notifications' });
  } else if (options.onManage) {
    action = button('Manage notifications', { variant: 'secondary', onclick: options.onManage });
  }
  const element = el('div', { id: 'subscription-summary', className: 'alerts-summary', tabindex: '-1', hidden: true },
    [text, details, action ? el('p', { className: 'alerts-summary__action' }, action) : null]);
  return {
    element: element,
    render: function (preferences, sections) {
      text.textContent = describeSubscription(preferences, sectionNamer(sections));
      const notes = [];
      if (preferences.quietHours) {
        notes.push('Quiet hours from ' + preferences.quietHours.from + ' to ' + preferences.quietHours.to +
          ' (' + (preferences.timeZone || browserTimeZone()) + '); breaking news still comes through.');
      }
      if (preferences.maxPerDay) {
        notes.push('At most ' + describeLimit(preferences.maxPerDay) + '; the rest come together at the end of your day.');
      }
      if (preferences.paused) notes.push('Notifications are paused.');
      details.textContent = notes.join(' ');
      details.hidden = notes.length === 0;
    }
  };
}

/**
 * The chooser: a checkbox per section, instant alerts / daily digest (+ digest time) / hourly
 * digest, optional quiet hours and, with config.dailyLimit, a daily limit on article alerts.
 * Ids: #section-<id>, #delivery-instant|daily|hourly, #digest-time, #quiet-hours, #quiet-from,
 * #quiet-to, #max-per-day.
 */
export function createPreferencesForm(config) {
  const headingTag = 'h' + Math.min(Math.max(config.headingLevel || 3, 2), 6);
  const heading = el(headingTag, { id: config.id + '-heading', className: 'alerts-form__heading', tabindex: '-1', text: config.heading });
  let checkboxes = [];

  const sectionOptions = el('div', { className: 'alerts-options' });
  const sectionsGroup = el('fieldset', { className: 'alerts-fieldset', 'aria-describedby': 'sections-hint' }, [
    el('legend', { className: 'alerts-legend', text: 'Sections' }),
    el('p', { id: 'sections-hint', className: 'alerts-hint', text: 'Tick the sections you want to hear about.' }),
    sectionOptions
  ]);

  function radio(value, label, hint) {
    const id = 'delivery-' + value;
    const input = el('input', { type: 'radio', id: id, name: 'delivery', value: value, 'aria-describedby': id + '-hint' });
    const row = el('div', { className: 'alerts-choice' }, [
      input,
      el('label', { for: id, text: label }),
      el('p', { id: id + '-hint', className: 'alerts-hint', text: hint })
    ]);
    return { input: input, row: row };
  }

  const instant = radio('instant', 'Instant alerts', 'A notification as soon as a story is published.');
  const daily = radio('daily', 'Daily digest', 'One notification a day with the stories you missed.');
  const hourly = radio('hourly', 'Hourly digest', 'At most one notification an hour with the latest stories.');
  const digestTime = el('input', { type: 'time', id: 'digest-time', name: 'digestTime', value: DEFAULT_DIGEST_TIME, required: true });
  const deliveryGroup = el('fieldset', { className: 'alerts-fieldset' }, [
    el('legend', { className: 'alerts-legend', text: 'How often' }),
    instant.row,
    daily.row,
    el('div', { className: 'alerts-field alerts-field--nested' }, [el('label', { for: 'digest-time', text: 'Digest time' }), digestTime]),
    hourly.row
  ]);

  const quiet = el('input', { type: 'checkbox', id: 'quiet-hours', name: 'quietHours', 'aria-describedby': 'quiet-hours-hint' });
  const quietFrom = el('input', { type: 'time', id: 'quiet-from', name: 'quietFrom', value: DEFAULT_QUIET_FROM });
  const quietTo = el('input', { type: 'time', id: 'quiet-to', name: 'quietTo', value: DEFAULT_QUIET_TO });
  const quietGroup = el('div', { className: 'alerts-fieldset alerts-quiet' }, [
    el('div', { className: 'alerts-choice alerts-choice--strong' }, [
      quiet,
      el('label', { for: 'quiet-hours', text: 'Quiet hours' }),
      el('p', { id: 'quiet-hours-hint', className: 'alerts-hint', text: 'No notifications between these times, except breaking news.' })
    ]),
    el('div', { className: 'alerts-times' }, [
      el('div', { className: 'alerts-field' }, [el('label', { for: 'quiet-from', text: 'From' }), quietFrom]),
      el('div', { className: 'alerts-field' }, [el('label', { for: 'quiet-to', text: 'To' }), quietTo])
    ])
  ]);

  // Without the control (the subscribe flow) a limit the reader already set is kept as it was.
  let keptLimit = null;
  const limitPicker = config.dailyLimit
    ? el('select', { id: 'max-per-day', name: 'maxPerDay', className: 'alerts-limit__select', 'aria-describedby': 'max-per-day-hint' })
    : null;
  function setLimitOptions(current) {
    const values = DAILY_LIMITS.indexOf(current) === -1 && current ? DAILY_LIMITS.concat([current]).sort(function (a, b) { return a - b; }) : DAILY_LIMITS;
    limitPicker.replaceChildren.apply(limitPicker, [el('option', { value: '', text: 'No limit' })].concat(values.map(function (n) {
      return el('option', { value: String(n), text: 'At most ' + describeLimit(n) });
    })));
    limitPicker.value = current ? String(current) : '';
  }
  const limitGroup = limitPicker ? el('div', { className: 'alerts-fieldset alerts-limit' }, [
    el('div', { className: 'alerts-field' }, [el('label', { for: 'max-per-day', text: 'Daily limit' }), limitPicker]),
    el('p', { id: 'max-per-day-hint', className: 'alerts-hint',
      text: 'Past this, the rest of the day\u2019s stories come together in one notification at the end of your day. Breaking news always comes through.' })
  ]) : null;
  if (limitPicker) setLimitOptions(null);

  const timeZoneNote = el('p', { className: 'alerts-timezone' });
  const actions = el('div', { className: 'alerts-actions' }, config.actions || []);
  const form = el('form', { id: config.id, className: 'alerts-form', novalidate: true, 'aria-labelledby': heading.id }, [
    heading, sectionsGroup, deliveryGroup, quietGroup, limitGroup, timeZoneNote, actions
  ]);

  function sync() {
    digestTime.disabled = !daily.input.checked;
    quietFrom.disabled = !quiet.checked;
    quietTo.disabled = !quiet.checked;
    timeZoneNote.textContent = 'Times are in your time zone: ' + browserTimeZone() + '.';
  }
  form.addEventListener('change', sync);
  instant.input.checked = true;
  sync();

  return {
    element: form,
    heading: heading,
    /** Shows a checkbox per section, ticking checkedIds; keeps ticks the reader already made. */
    setSections: function (sections, checkedIds) {
      const ticked = new Set(checkedIds || checkboxes.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }));
      checkboxes = [];
      const rows = sections.map(function (section) {
        const id = 'section-' + section.id.replace(/[^A-Za-z0-9_-]/g, '-');
        const input = el('input', { type: 'checkbox', id: id, name: 'sections', value: section.id });
        input.checked = ticked.has(section.id);
        checkboxes.push(input);
        return el('div', { className: 'alerts-check' }, [input, el('label', { for: id, text: section.name })]);
      });
      sectionOptions.replaceChildren.apply(sectionOptions, rows);
    },
    fill: function (preferences) {
      const chosen = new Set(preferences.sections || []);
      checkboxes.forEach(function (c) { c.checked = chosen.has(c.value); });
      const delivery = normalizeDelivery(preferences.delivery);
      instant.input.checked = delivery.mode === 'instant';
      daily.input.checked = delivery.mode === 'digest' && delivery.frequency === 'daily';
      hourly.input.checked = delivery.mode === 'digest' && delivery.frequency === 'hourly';
      if (delivery.frequency === 'daily') digestTime.value = delivery.at;
      const quietHours = normalizeQuietHours(preferences.quietHours);
      quiet.checked = !!quietHours;
      if (quietHours) {
        quietFrom.value = quietHours.from;
        quietTo.value = quietHours.to;
      }
      keptLimit = normalizeMaxPerDay(preferences.maxPerDay);
      if (limitPicker) setLimitOptions(keptLimit);
      sync();
    },
    /** null when the form can be sent, else {message, field} naming what to fix. */
    validate: function () {
      if (!checkboxes.length) return { message: 'The sections could not be loaded. Please reload the page.', field: heading };
      if (!checkboxes.some(function (c) { return c.checked; })) return { message: 'Choose at least one section.', field: checkboxes[0] };
      if (daily.input.checked && !hhmm(digestTime.value)) return { message: 'Choose a time for your daily digest.', field: digestTime };
      if (quiet.checked) {
        if (!hhmm(quietFrom.value)) return { message: 'Choose when your quiet hours start.', field: quietFrom };
        if (!hhmm(quietTo.value)) return { message: 'Choose when your quiet hours end.', field: quietTo };
        if (hhmm(quietFrom.value) === hhmm(quietTo.value)) return { message: 'Quiet hours must start and end at different times.', field: quietTo };
      }
      return null;
    },
    /** The preference part of the subscribe/update body (paused: false; the caller sets it). */
    read: function () {
      let delivery = { mode: 'instant' };
      if (daily.input.checked) delivery = { mode: 'digest', frequency: 'daily', at: hhmm(digestTime.value) };
      else if (hourly.input.checked) delivery = { mode: 'digest', frequency: 'hourly' };
      return {
        sections: checkboxes.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }),
        delivery: delivery,
        quietHours: quiet.checked ? { from: hhmm(quietFrom.value), to: hhmm(quietTo.value) } : null,
        timeZone: browserTimeZone(),
        maxPerDay: limitPicker ? normalizeMaxPerDay(limitPicker.value) : keptLimit,
        paused: false
      };
    },
    setBusy: function (busy) {
      setBusy(form, busy);
    }
  };
}

/** Sections to show: the offered ones (all when offer is empty) plus any the reader already follows. */
export function sectionsToShow(allSections, offer, alsoIds) {
  let list = allSections;
  if (offer && offer.length) {
    const byId = {};
    allSections.forEach(function (s) { byId[s.id] = s; });
    list = offer.filter(function (id) { return byId[id]; }).map(function (id) { return byId[id]; });
    if (!list.length) list = allSections;
  }
  const shown = new Set(list.map(function (s) { return s.id; }));
  const extra = allSections.filter(function (s) { return (alsoIds || []).indexOf(s.id) !== -1 && !shown.has(s.id); });
  return list.concat(extra);
}
