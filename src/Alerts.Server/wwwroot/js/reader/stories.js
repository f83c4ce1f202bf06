/*
 * Stories as the front page and the digest page list them. Links and images only ever point at
 * absolute http(s) URLs.
 */
import { el } from './ui.js';
import { safeHttpUrl } from './urls.js';

export const DATE_LOCALE = 'en-GB';

export function formatWhen(iso) {
  const date = new Date(iso);
  if (!iso || isNaN(date.getTime())) return null;
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  let relative;
  if (abs < 60) relative = 'Just now';
  else if (typeof Intl.RelativeTimeFormat === 'function' && abs < 7 * 86400) {
    const format = new Intl.RelativeTimeFormat(DATE_LOCALE, { numeric: 'auto' });
    if (abs < 3600) relative = format.format(Math.round(seconds / 60), 'minute');
    else if (abs < 86400) relative = format.format(Math.round(seconds / 3600), 'hour');
    else relative = format.format(Math.round(seconds / 86400), 'day');
    relative = relative.charAt(0).toUpperCase() + relative.slice(1);
  } else {
    relative = date.toLocaleDateString(DATE_LOCALE, { day: 'numeric', month: 'long', year: 'numeric' });
  }
  return {
    iso: date.toISOString(),
    relative: relative,
    full: date.toLocaleString(DATE_LOCALE, { dateStyle: 'full', timeStyle: 'short' })
  };
}

/** One story as an <li>; links and images only when they are absolute http(s) URLs. */
export function renderStory(story, nameOf) {
  const url = safeHttpUrl(story.url);
  const imageUrl = safeHttpUrl(story.imageUrl);
  const sectionIds = Array.isArray(story.sections) ? story.sections : [];
  const when = formatWhen(story.publishedAt);
  const title = typeof story.title === 'string' && story.title ? story.title : 'Untitled story';

  let image = null;
  if (imageUrl) {
    image = el('img', { className: 'story__image', src: imageUrl, alt: '', loading: 'lazy', decoding: 'async' });
    image.addEventListener('error', function () { image.remove(); });
  }
  const meta = el('p', { className: 'story__meta' }, [
    story.breaking ? el('span', { className: 'story__badge', text: 'Breaking' }) : null,
    sectionIds.length ? el('span', { className: 'story__section', text: sectionIds.map(nameOf).join(', ') }) : null,
    when ? el('time', { datetime: when.iso, title: when.full, text: when.relative }) : null
  ]);
  const heading = el('h3', { className: 'story__title' }, url ? el('a', { href: url, text: title }) : title);
  const summary = typeof story.summary === 'string' && story.summary
    ? el('p', { className: 'story__summary', text: story.summary })
    : null;
  return el('li', { className: 'story' + (story.breaking ? ' story--breaking' : '') }, [
    el('article', { className: 'story__inner' }, [image, el('div', { className: 'story__body' }, [meta, heading, summary])])
  ]);
}

export function listMessage(list, text, kind) {
  list.replaceChildren(el('li', { className: 'story-list__message' + (kind ? ' story-list__message--' + kind : ''), text: text }));
}
