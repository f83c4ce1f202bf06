/*
 * "Muted for now": the sections this reader has muted (from a notification's "Mute <Section> for a
 * day" button, or here), each with when the mute ends and a Lift button, plus a way to mute one of
 * the followed sections for a day. The manage view mounts it and makes the API calls.
 */
import { el, button, setBusy } from './ui.js';
import { sectionNamer } from './preferences.js';

/** The mutes in the API's answer (GET /api/subscriptions/{id}): [{section, until}], soonest end first. */
export function pickMutes(answer) {
  const list = answer && Array.isArray(answer.mutes) ? answer.mutes : [];
  return list.filter(function (m) {
    return m && typeof m.section === 'string' && m.section && typeof m.until === 'string' && !isNaN(Date.parse(m.until));
  }).map(function (m) {
    return { section: m.section, until: m.until };
  }).sort(function (a, b) { return Date.parse(a.until) - Date.parse(b.until); });
}

/** When a mute ends, in the reader's own time zone, e.g. "Tue 3 Dec, 14:05". */
export function localTime(iso) {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit'
  });
}

/**
 * The list and the mute-for-a-day control. options: headingLevel, onLift(section, name),
 * onMute(section, name). Ids: #mutes, #mutes-list (li[data-section]), #mutes-empty,
 * #lift-<section>, #mute-section, #mute-button.
 */
export function createMutes(options) {
  const headingTag = 'h' + Math.min(Math.max(options.headingLevel || 2, 2), 6);
  const list = el('ul', { id: 'mutes-list', className: 'alerts-mutes__list' });
  const empty = el('p', { id: 'mutes-empty', className: 'alerts-hint', text: 'Nothing muted.' });
  const picker = el('select', { id: 'mute-section', className: 'alerts-mutes__select' });
  const mute = button('Mute for a day', { id: 'mute-button', variant: 'secondary' });
  const adder = el('div', { className: 'alerts-mutes__add' }, [
    el('div', { className: 'alerts-field' }, [el('label', { for: 'mute-section', text: 'Mute a section for a day' }), picker]),
    mute
  ]);
  const element = el('section', { id: 'mutes', className: 'alerts-mutes', 'aria-labelledby': 'mutes-heading', hidden: true }, [
    el(headingTag, { id: 'mutes-heading', className: 'alerts-form__heading', text: 'Muted for now' }),
    el('p', { className: 'alerts-hint', text: 'You get nothing from a muted section until its mute ends; alerts to everyone still arrive.' }),
    list, empty, adder
  ]);
  let name = sectionNamer([]);

  mute.addEventListener('click', function () {
    if (mute.getAttribute('aria-disabled') === 'true' || !picker.value) return;
    options.onMute(picker.value, name(picker.value));
  });

  return {
    element: element,
    /** mutes: [{section, until}]; sections: [{id, name}] for names; followed: ids the reader can mute. */
    render: function (mutes, sections, followed) {
      name = sectionNamer(sections);
      list.replaceChildren.apply(list, mutes.map(function (m) {
        const label = name(m.section);
        const lift = button('Lift', {
          id: 'lift-' + m.section, variant: 'secondary', 'aria-label': 'Lift the mute on ' + label,
          onclick: function () { if (lift.getAttribute('aria-disabled') !== 'true') options.onLift(m.section, label); }
        });
        return el('li', { className: 'alerts-mutes__item', dataset: { section: m.section } }, [
          el('span', { className: 'alerts-mutes__name', text: label }),
          el('span', { className: 'alerts-mutes__until' }, ['until ', el('time', { datetime: m.until, text: localTime(m.until) })]),
          lift
        ]);
      }));
      list.hidden = mutes.length === 0;
      empty.hidden = mutes.length !== 0;
      const muted = mutes.map(function (m) { return m.section; });
      const choices = (followed || []).filter(function (id) { return muted.indexOf(id) === -1; });
      picker.replaceChildren.apply(picker, choices.map(function (id) {
        return el('option', { value: id, text: name(id) });
      }));
      adder.hidden = choices.length === 0;
      element.hidden = false;
    },
    hide: function () {
      element.hidden = true;
    },
    setBusy: function (busy) {
      setBusy(element, busy);
    }
  };
}
