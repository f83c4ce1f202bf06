/*
 * "/digest/{id}" (type=module entry): the stories of one digest.
 */
import { createApi } from './api.js';
import { describeFailure, isGone } from './messages.js';
import { el } from './ui.js';
import { sectionNamer } from './preferences.js';
import { formatWhen, renderStory, listMessage } from './stories.js';

async function showDigest() {
  const api = createApi(window.location.origin);
  const title = document.getElementById('digest-title');
  const meta = document.getElementById('digest-meta');
  const list = document.getElementById('digest-stories');
  const segments = window.location.pathname.split('/').filter(Boolean);
  let id = '';
  try {
    id = segments.length >= 2 ? decodeURIComponent(segments[segments.length - 1]) : '';
  } catch (e) {
    id = '';
  }
  if (!id) {
    listMessage(list, 'This digest could not be found.', 'error');
    list.setAttribute('aria-busy', 'false');
    return;
  }
  try {
    const [digest, sections] = await Promise.all([
      api.digest(id),
      api.sections().catch(function () { return []; })
    ]);
    const nameOf = sectionNamer(sections);
    const digestTitle = digest && typeof digest.title === 'string' && digest.title ? digest.title : 'Your news digest';
    title.textContent = digestTitle;
    document.title = digestTitle + ' \u2014 Alerts News';
    const when = formatWhen(digest && digest.createdAt);
    const stories = digest && Array.isArray(digest.stories) ? digest.stories : [];
    meta.replaceChildren(
      stories.length === 1 ? '1 story' : stories.length + ' stories',
      when ? ', sent ' : '',
      when ? el('time', { datetime: when.iso, text: when.full }) : ''
    );
    if (!stories.length) listMessage(list, 'This digest has no stories.', 'empty');
    else list.replaceChildren.apply(list, stories.map(function (story) { return renderStory(story, nameOf); }));
  } catch (error) {
    if (isGone(error)) listMessage(list, 'This digest is no longer available.', 'empty');
    else listMessage(list, describeFailure(error, 'Could not load this digest: ').message, 'error');
  } finally {
    list.setAttribute('aria-busy', 'false');
  }
}

showDigest();
