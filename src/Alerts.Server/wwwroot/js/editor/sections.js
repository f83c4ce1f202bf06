// The newsroom's sections, loaded once per page: the audience checkboxes, and their names wherever
// an alert's audience is shown (preview, delivery panel, history).

export const sections = {
  list: [],
  names: new Map(),
  loaded: false,
};

/** Keeps the list from GET /api/sections (already checked) for the rest of the page's life. */
export function rememberSections(list) {
  sections.list = list;
  sections.names = new Map(list.map((s) => [s.id, s.name]));
  sections.loaded = true;
}

export function sectionName(id) {
  return sections.names.get(id) || String(id);
}

/** An alert's sections in words; null means everyone. */
export function audienceLabel(ids) {
  if (!Array.isArray(ids)) return 'Everyone';
  if (ids.length === 0) return 'No sections';
  return ids.map(sectionName).join(', ');
}
