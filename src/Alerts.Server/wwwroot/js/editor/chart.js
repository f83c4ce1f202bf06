// The 24-hour chart: notifications sent and clicks per hour as SVG bars, the same figures in a
// table for anyone who prefers numbers, redrawn when the panel changes width.

import { $, el, svg, setText, fmt, plural } from './format.js';

export const STATS_HOURS = 24;

const els = {
  chart: $('chart'),
  chartWrap: $('chart-wrap'),
  chartDesc: $('chart-desc'),
  chartTableBody: $('chart-table-body'),
};

let stats = null;          // [{ hour: Date, sent, clicks }], oldest first
let chartWidth = 0;

/** Draws the figures from GET /api/alerts/stats (checked: every hour a Date). */
export function showStats(points) {
  stats = points;
  drawChart();
}

/** Sign-out: no figures until the next sign-in loads them. */
export function resetChart() {
  stats = null;
  clearChart('Loading.');
}

function hourLabel(date) {
  return `${String(date.getHours()).padStart(2, '0')}:00`;
}

function niceScale(max) {
  if (max <= 0) return { top: 4, step: 1 };
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  step = Math.max(1, Math.round(step));
  return { top: Math.max(step, Math.ceil(max / step) * step), step };
}

function clearChart(description) {
  const svgEl = els.chart;
  for (const child of Array.from(svgEl.childNodes)) {
    if (child.nodeName !== 'title' && child.nodeName !== 'desc') child.remove();
  }
  setText(els.chartDesc, description);
  els.chartTableBody.replaceChildren();
}

function drawChart() {
  const points = stats;
  if (!points) return;
  const svgEl = els.chart;
  const width = Math.max(280, Math.floor(els.chartWrap.clientWidth || 600));
  const narrow = width < 520;
  const height = narrow ? 220 : 260;
  chartWidth = width;

  const totalSent = points.reduce((s, p) => s + p.sent, 0);
  const totalClicks = points.reduce((s, p) => s + p.clicks, 0);
  let busiest = null;
  for (const p of points) if (p.sent > 0 && (!busiest || p.sent > busiest.sent)) busiest = p;

  clearChart(points.length === 0
    ? 'No figures yet.'
    : `${plural(totalSent, 'notification', 'notifications')} sent and ${plural(totalClicks, 'click', 'clicks')} ` +
      `in the last ${STATS_HOURS} hours.` +
      (busiest ? ` Busiest hour: ${hourLabel(busiest.hour)} with ${fmt(busiest.sent)} sent.` : ''));

  svgEl.setAttribute('width', String(width));
  svgEl.setAttribute('height', String(height));
  svgEl.setAttribute('viewBox', `0 0 ${width} ${height}`);

  const m = { top: 40, right: 12, bottom: 44, left: narrow ? 44 : 52 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const maxValue = points.reduce((mx, p) => Math.max(mx, p.sent, p.clicks), 0);
  const { top, step } = niceScale(maxValue);
  const y = (v) => m.top + plotH - (v / top) * plotH;

  const root = svg('g', { class: 'chart-root' });

  // Legend
  const legend = svg('g', { class: 'chart-legend', transform: `translate(${m.left},14)` });
  legend.append(
    svg('rect', { x: 0, y: 0, width: 12, height: 12, rx: 2, class: 'bar-sent' }),
    svg('text', { x: 18, y: 10, class: 'chart-label' }, 'Sent'),
    svg('rect', { x: 66, y: 0, width: 12, height: 12, rx: 2, class: 'bar-clicks' }),
    svg('text', { x: 84, y: 10, class: 'chart-label' }, 'Clicks'),
  );
  root.append(legend);

  // Grid and y axis
  const grid = svg('g', { class: 'chart-grid' });
  for (let v = 0; v <= top; v += step) {
    const yy = y(v);
    grid.append(
      svg('line', { x1: m.left, x2: m.left + plotW, y1: yy, y2: yy, class: v === 0 ? 'axis-line' : 'grid-line' }),
      svg('text', { x: m.left - 6, y: yy + 4, class: 'chart-tick', 'text-anchor': 'end' }, fmt(v)),
    );
  }
  root.append(grid);
  root.append(svg('text', {
    class: 'chart-axis-title',
    'text-anchor': 'middle',
    transform: `translate(12,${m.top + plotH / 2}) rotate(-90)`,
  }, 'Per hour'));

  // Bars and x axis
  const n = points.length;
  const bars = svg('g', { class: 'chart-bars' });
  const xLabels = svg('g', { class: 'chart-x' });
  if (n > 0) {
    const groupW = plotW / n;
    const barW = Math.max(1, Math.min(14, (groupW - 2) / 2));
    const labelEvery = narrow ? 6 : 3;
    points.forEach((p, i) => {
      const gx = m.left + i * groupW;
      const center = gx + groupW / 2;
      const label = hourLabel(p.hour);
      const group = svg('g', { class: 'chart-hour' });
      group.append(svg('title', null, `${label}: ${fmt(p.sent)} sent, ${fmt(p.clicks)} clicks`));
      const sentH = (p.sent / top) * plotH;
      const clickH = (p.clicks / top) * plotH;
      group.append(
        svg('rect', { x: center - barW, y: m.top + plotH - sentH, width: barW, height: sentH, class: 'bar-sent' }),
        svg('rect', { x: center, y: m.top + plotH - clickH, width: barW, height: clickH, class: 'bar-clicks' }),
        // A transparent full-height target so the tooltip works on empty hours too.
        svg('rect', { x: gx, y: m.top, width: groupW, height: plotH, class: 'bar-hit' }),
      );
      bars.append(group);
      if (i % labelEvery === 0 || i === n - 1) {
        xLabels.append(
          svg('line', { x1: center, x2: center, y1: m.top + plotH, y2: m.top + plotH + 4, class: 'axis-line' }),
          svg('text', { x: center, y: m.top + plotH + 17, class: 'chart-tick', 'text-anchor': 'middle' }, label),
        );
      }
    });
  } else {
    root.append(svg('text', {
      x: m.left + plotW / 2, y: m.top + plotH / 2, class: 'chart-empty', 'text-anchor': 'middle',
    }, 'No figures yet'));
  }
  root.append(bars, xLabels);
  root.append(svg('text', {
    x: m.left + plotW / 2, y: height - 6, class: 'chart-axis-title', 'text-anchor': 'middle',
  }, 'Hour (your local time)'));

  svgEl.append(root);

  // The same figures as a table, for anyone who prefers numbers.
  els.chartTableBody.replaceChildren(...points.map((p) => {
    const tr = document.createElement('tr');
    const th = el('th', null, `${p.hour.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${hourLabel(p.hour)}`);
    th.scope = 'row';
    tr.append(th, el('td', 'num', fmt(p.sent)), el('td', 'num', fmt(p.clicks)));
    return tr;
  }));
}

export function watchChartSize() {
  if (typeof ResizeObserver !== 'function') {
    window.addEventListener('resize', () => drawChart());
    return;
  }
  let frame = 0;
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const width = Math.floor(els.chartWrap.clientWidth);
      if (width > 0 && Math.abs(width - chartWidth) > 8) drawChart();
    });
  });
  observer.observe(els.chartWrap);
}
