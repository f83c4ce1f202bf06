// The compose form's headline test: up to three more headlines (title and body) beside the alert's
// own, the share of readers that races them and when the leader goes to everyone else.

import { $, el } from './format.js';

const MAX_EXTRA = 3;               // four headlines in all, the alert's own first
const TITLE_LENGTH = 120;
const BODY_LENGTH = 400;

const els = {
  list: $('variant-list'),
  add: $('add-variant'),
  settings: $('test-settings'),
  sample: $('test-sample'),
  decide: $('test-decide'),
};

let onChange = () => {};

/** The added headlines' blocks, in order; block i is variants[i + 1] in the request. */
function blocks() {
  return Array.from(els.list.querySelectorAll('.variant'));
}

function field(index, part, labelText, control) {
  const name = `variants[${index}].${part}`;
  const wrap = el('div', 'field');
  control.id = `variant-${index}-${part}`;
  control.dataset.field = name;
  control.setAttribute('aria-describedby', `error-${name}`);
  const label = el('label', null, labelText);
  label.htmlFor = control.id;
  const error = el('p', 'field-error');
  error.id = `error-${name}`;
  wrap.append(label, control, error);
  return wrap;
}

function addVariant() {
  if (blocks().length >= MAX_EXTRA) return;
  const index = blocks().length + 1;
  const block = el('div', 'variant');
  const head = el('div', 'variant-head');
  head.append(el('span', 'variant-name', `Headline ${index + 1}`));
  const remove = el('button', 'button button-quiet button-small variant-remove', 'Remove');
  remove.type = 'button';
  remove.setAttribute('aria-label', `Remove headline ${index + 1}`);
  head.append(remove);

  const title = el('input');
  title.type = 'text';
  title.maxLength = TITLE_LENGTH;
  title.autocomplete = 'off';
  const body = el('textarea');
  body.rows = 2;
  body.maxLength = BODY_LENGTH;
  block.append(head, field(index, 'title', 'Title', title), field(index, 'body', 'Body', body));
  els.list.append(block);
  refresh();
  title.focus();
}

function removeVariant(block) {
  block.remove();
  // Renumber what is left, so the blocks stay variants[1], variants[2], … as the server names them.
  const kept = blocks().map((b) => ({ title: b.querySelector('input').value, body: b.querySelector('textarea').value }));
  els.list.replaceChildren();
  for (const values of kept) {
    addVariant();
    const last = blocks()[blocks().length - 1];
    last.querySelector('input').value = values.title;
    last.querySelector('textarea').value = values.body;
  }
  refresh();
  els.add.focus();
}

function refresh() {
  const count = blocks().length;
  els.settings.hidden = count === 0;
  els.add.hidden = count >= MAX_EXTRA;
  els.add.textContent = count === 0 ? 'Add a headline to test' : 'Add another headline';
  onChange();
}

/**
 * The test's part of the request for the alert's own title and body: { variants, test } when headlines
 * were added, null otherwise; problems go into errors under the server's field names.
 */
export function headlineTestRequest(title, body, errors) {
  const added = blocks();
  if (added.length === 0) return null;
  const variants = [{ title, body }];
  added.forEach((block, i) => {
    const t = block.querySelector('input').value.trim();
    const b = block.querySelector('textarea').value.trim();
    if (!t) errors[`variants[${i + 1}].title`] = 'Enter this headline\'s title, or remove it.';
    if (!b) errors[`variants[${i + 1}].body`] = 'Enter this headline\'s body, or remove it.';
    variants.push({ title: t, body: b });
  });
  const percent = Number(els.sample.value);
  if (els.sample.validity.badInput || !Number.isInteger(percent) || percent < 1 || percent > 50) {
    errors['test.sample'] = 'Enter a whole percentage from 1 to 50.';
  }
  const minutes = Number(els.decide.value);
  if (els.decide.validity.badInput || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    errors['test.decideAfterMinutes'] = 'Enter whole minutes from 1 to 1440.';
  }
  return { variants, test: { sample: percent / 100, decideAfterMinutes: minutes } };
}

export function resetHeadlineTest() {
  els.list.replaceChildren();
  els.sample.value = '10';
  els.decide.value = '10';
  refresh();
}

/** changed is called when headlines are added or removed (the form's errors and preview follow). */
export function setUpHeadlineTest(changed) {
  onChange = changed || (() => {});
  els.add.addEventListener('click', addVariant);
  els.list.addEventListener('click', (event) => {
    const button = event.target.closest('button.variant-remove');
    if (button) removeVariant(button.closest('.variant'));
  });
  refresh();
}
