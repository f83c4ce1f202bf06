/*
 * "/" (type=module entry): the section navigation, the latest stories, and the subscribe panel.
 */
import { createApi } from './api.js';
import { describeFailure } from './messages.js';
import { el } from './ui.js';
import { sectionNamer } from './preferences.js';
import { mountSubscribe } from './subscribe.js';
import { DATE_LOCALE, renderStory, listMessage } from './stories.js';

const api = createApi(window.location.origin);
const nav = document.getElementById('section-nav');
const list = document.getElementById('article-list');
const heading = document.getElementById('stories-heading');
const panel = document.getElementById('alerts-panel');
const panelBody = document.getElementById('alerts-panel-body');
const openButton = document.getElementById('open-soft-prompt');
const dateLine = document.getElementById('masthead-date');
const sections = api.sections();
let nameOf = function (id) { return id; };
let sectionsById = {};
let requestNumber = 0;

if (dateLine) {
  dateLine.textContent = new Date().toLocaleDateString(DATE_LOCALE, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

function currentSection() {
  const id = new URLSearchParams(window.location.search).get('section');
  return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

function markCurrent(sectionId) {
  nav.querySelectorAll('a').forEach(function (link) {
    if ((link.getAttribute('data-section') || null) === sectionId) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
}

async function showArticles(sectionId) {
  const number = ++requestNumber;
  const sectionName = sectionId ? (sectionsById[sectionId] || sectionId) : null;
  heading.textContent = sectionName ? 'Latest in ' + sectionName : 'Latest news';
  document.title = (sectionName ? sectionName + ' \u2014 ' : '') + 'Alerts News';
  markCurrent(sectionId);
  list.setAttribute('aria-busy', 'true');
  listMessage(list, 'Loading the latest stories\u2026');
  try {
    const articles = await api.articles({ section: sectionId, limit: 30 });
    if (number !== requestNumber) return;
    if (!articles.length) {
      listMessage(list, sectionName
        ? 'No stories in ' + sectionName + ' yet. New stories appear here as soon as they are published.'
        : 'No stories yet. New stories appear here as soon as they are published.', 'empty');
    } else {
      list.replaceChildren.apply(list, articles.map(function (article) { return renderStory(article, nameOf); }));
    }
  } catch (error) {
    if (number !== requestNumber) return;
    listMessage(list, describeFailure(error, 'Could not load the latest stories: ').message, 'error');
  } finally {
    if (number === requestNumber) list.setAttribute('aria-busy', 'false');
  }
}

function navLink(sectionId, label) {
  const href = sectionId ? '/?section=' + encodeURIComponent(sectionId) : '/';
  const link = el('a', { href: href, text: label, dataset: sectionId ? { section: sectionId } : undefined });
  link.addEventListener('click', function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (currentSection() !== sectionId) window.history.pushState({ section: sectionId }, '', href);
    showArticles(sectionId);
    heading.focus();
  });
  return el('li', {}, link);
}

sections.then(function (list) {
  sectionsById = {};
  list.forEach(function (s) { sectionsById[s.id] = s.name; });
  nameOf = sectionNamer(list);
  nav.replaceChildren.apply(nav, [navLink(null, 'Latest')].concat(list.map(function (s) { return navLink(s.id, s.name); })));
}).catch(function () {
  // The stories still load; the navigation keeps its "Latest" link.
}).then(function () {
  showArticles(currentSection());
});

window.addEventListener('popstate', function () { showArticles(currentSection()); });

const subscribeView = mountSubscribe({
  api: api,
  container: panelBody,
  host: panel,
  sections: sections,
  workerUrl: '/sw.js',
  manageUrl: '/notifications',
  onDismiss: function () { if (openButton) openButton.focus(); }
});
if (openButton) {
  openButton.addEventListener('click', function () {
    subscribeView.open().then(function () { panel.scrollIntoView({ block: 'nearest' }); });
  });
}
