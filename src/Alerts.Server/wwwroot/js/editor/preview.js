// The live preview: the alert as it will look on a reader's desktop, following the form as the
// editor types (headline, summary, link host, image, audience badges, schedule).

import { $, el, setText, parseDate, parseHttpUrl, dateTimeFormat } from './format.js';
import { audienceSelection } from './audience.js';
import { sectionName } from './sections.js';

const els = {
  title: $('alert-title'),
  titleCounter: $('alert-title-counter'),
  body: $('alert-body'),
  bodyCounter: $('alert-body-counter'),
  url: $('alert-url'),
  image: $('alert-image'),
  audienceEveryone: $('audience-everyone'),
  sectionList: $('section-list'),
  sendAt: $('alert-send-at'),

  previewHost: $('preview-host'),
  previewTitle: $('preview-title'),
  previewBody: $('preview-body'),
  previewImage: $('preview-image'),
  previewImageNote: $('preview-image-note'),
  previewAudience: $('preview-audience'),
  previewSchedule: $('preview-schedule'),
};

export function updatePreview() {
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

/** A new compose: an image that failed before may load now. */
export function forgetFailedImage() {
  delete els.previewImage.dataset.failed;
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

export function setUpPreview() {
  els.previewImage.addEventListener('error', onPreviewImageError);
  els.previewImage.addEventListener('load', onPreviewImageLoad);
}
