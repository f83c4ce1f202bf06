// Small helpers every panel of the console uses: text, numbers, dates, links and elements.
// Text that comes from the API is only ever written with textContent.

const SVG_NS = 'http://www.w3.org/2000/svg';

const numberFormat = new Intl.NumberFormat('en-US');
export const percentFormat = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export const $ = (id) => document.getElementById(id);

export function setText(el, text) {
  el.textContent = text == null ? '' : String(text);
}

export function count(value) {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export function fmt(n) {
  return numberFormat.format(n);
}

export function plural(n, one, many) {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

export function parseDate(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function localDateTime(value) {
  const d = parseDate(value);
  return d ? dateTimeFormat.format(d) : '';
}

export function parseHttpUrl(value) {
  if (!value) return null;
  let u;
  try { u = new URL(value); } catch { return null; }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname ? u : null;
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = String(text);
  return node;
}

export function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = String(text);
  return node;
}

/** A duration in milliseconds as "850 ms" or "2.1 s"; "—" when not known (null). */
export function duration(ms) {
  if (ms == null || ms === '') return '—';
  const n = Number(ms);
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return `${Math.round(n)} ms`;
  return `${(n / 1000).toLocaleString('en-US', { maximumFractionDigits: n < 10000 ? 1 : 0 })} s`;
}

/** A share of the sent pushes (clicks, displays) as a percentage, or "—" while nothing was sent. */
export function rate(part, sent) {
  return sent > 0 ? percentFormat.format(part / sent) : '—';
}

/** A link-styled button that shows another alert's delivery (the history's and the panel's click handlers look for it). */
export function alertButton(id, text) {
  const button = el('button', 'link-button', text);
  button.type = 'button';
  button.dataset.id = String(id);
  return button;
}
