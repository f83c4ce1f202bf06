// Refusals next to the fields they concern: the page's own checks and the server's problem+json
// "errors", each shown under its control (aria-invalid), the rest above the Send button.

import { $, setText } from './format.js';

// API field name -> id of the control it concerns. Order is the order of the form.
const FIELD_CONTROLS = {
  title: 'alert-title',
  body: 'alert-body',
  url: 'alert-url',
  imageUrl: 'alert-image',
  sections: 'section-list',
  sendAt: 'alert-send-at',
  ttlSeconds: 'alert-ttl',
  throttlePerMinute: 'pace-minutes',
};
const FIELDS = Object.keys(FIELD_CONTROLS);
const FIELD_ALIASES = { image: 'imageUrl', imageurl: 'imageUrl', ttl: 'ttlSeconds', link: 'url', section: 'sections' };

const els = {
  formError: $('form-error'),
  sectionOptions: $('section-options'),
  audienceSections: $('audience-sections'),
};

/** The field a control belongs to (the audience radios and section boxes are one field). */
export function fieldOf(control) {
  if (!control) return null;
  if (control.name === 'audience' || control.name === 'section') return 'sections';
  if (control.name === 'pace') return 'throttlePerMinute';
  return FIELDS.find((f) => FIELD_CONTROLS[f] === control.id) || null;
}

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

export function showApiError(err) {
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

export function showFieldError(field, message) {
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

export function clearFieldError(field) {
  if (!field) return;
  const target = $(`error-${field}`);
  if (target) setText(target, '');
  const control = $(FIELD_CONTROLS[field]);
  if (control) control.removeAttribute('aria-invalid');
}

export function clearErrors() {
  for (const field of FIELDS) clearFieldError(field);
  setText(els.formError, '');
}

export function focusFirstError() {
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
