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
  variants: 'add-variant',
  'test.sample': 'test-sample',
  'test.decideAfterMinutes': 'test-decide',
  throttlePerMinute: 'pace-minutes',
};
const FIELDS = Object.keys(FIELD_CONTROLS);
const FIELD_ALIASES = { image: 'imageUrl', imageurl: 'imageUrl', ttl: 'ttlSeconds', link: 'url', section: 'sections' };

const els = {
  formError: $('form-error'),
  sectionOptions: $('section-options'),
  audienceSections: $('audience-sections'),
};

// An added headline's fields, variants[1].title and so on; variants[0] is the alert's own title and body.
const VARIANT_FIELD = /^variants\[(\d+)\]\.(title|body)$/i;

/** The fields of the form now, in its order: the fixed ones and those of the added headlines. */
function allFields() {
  const added = Array.from(document.querySelectorAll('#variant-list [data-field]'), (c) => c.dataset.field);
  return [...FIELDS.slice(0, 2), ...added, ...FIELDS.slice(2)];
}

function controlOf(field) {
  if (FIELD_CONTROLS[field]) return $(FIELD_CONTROLS[field]);
  const m = VARIANT_FIELD.exec(field);
  return m ? $(`variant-${m[1]}-${m[2]}`) : null;
}

/** The field a control belongs to (the audience radios and section boxes are one field). */
export function fieldOf(control) {
  if (!control) return null;
  if (control.name === 'audience' || control.name === 'section') return 'sections';
  if (control.name === 'pace') return 'throttlePerMinute';
  if (control.dataset && control.dataset.field) return control.dataset.field;
  return FIELDS.find((f) => FIELD_CONTROLS[f] === control.id) || null;
}

function normaliseField(key) {
  let k = String(key || '').trim().replace(/^\$\.?/, '');
  const variant = VARIANT_FIELD.exec(k);
  if (variant) {
    const part = variant[2].toLowerCase();
    return variant[1] === '0' ? part : `variants[${variant[1]}].${part}`;
  }
  const whole = FIELDS.find((f) => f.toLowerCase() === k.toLowerCase());
  if (whole) return whole;
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
  const control = controlOf(field);
  if (control) control.setAttribute('aria-invalid', 'true');
}

export function clearFieldError(field) {
  if (!field) return;
  const target = $(`error-${field}`);
  if (target) setText(target, '');
  const control = controlOf(field);
  if (control) control.removeAttribute('aria-invalid');
}

export function clearErrors() {
  for (const field of allFields()) clearFieldError(field);
  setText(els.formError, '');
}

export function focusFirstError() {
  for (const field of allFields()) {
    const target = $(`error-${field}`);
    if (!target || !target.textContent) continue;
    if (field === 'sections') {
      const first = els.sectionOptions.querySelector('input[name="section"]') || els.audienceSections;
      first.focus();
    } else {
      const control = controlOf(field);
      if (control) control.focus();
    }
    return;
  }
}
