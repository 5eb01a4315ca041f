/**
 * The report's in-page script (plain ES5-ish JavaScript, run by the browser): draws the charts with the
 * inlined uPlot from the timeline embedded as JSON. Series colours are fixed so that tests can look for
 * them on the canvas.
 */
export const CHART_COLORS = {
  rps: '#2563eb',
  failures: '#dc2626',
  p50: '#0891b2',
  p95: '#d97706',
  p99: '#7c3aed',
  users: '#059669',
} as const;

export const HTML_CHARTS_SCRIPT = `
(function () {
  'use strict';
  var C = ${JSON.stringify(CHART_COLORS)};
  var source = document.getElementById('volley-timeline');
  if (!source || typeof uPlot === 'undefined') return;
  var t = JSON.parse(source.textContent);
  if (!t.time || t.time.length === 0) return;
  var charts = [];
  var X_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  function widthOf(el) { return Math.max(280, Math.floor(el.getBoundingClientRect().width || 600)); }
  function make(id, unit, series, columns) {
    var el = document.getElementById(id);
    if (!el) return;
    el.textContent = '';
    var opts = {
      width: widthOf(el),
      height: 240,
      scales: { x: { time: true } },
      series: [{}].concat(series.map(function (s) {
        return {
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: s.fill ? s.color + '1a' : undefined,
          value: function (u, v) { return v == null ? '-' : (Math.round(v * 1000) / 1000) + ' ' + unit; }
        };
      })),
      // Whole seconds at least: sub-second ticks would only repeat the same snapshot.
      axes: [{ space: 70, incrs: X_INCREMENTS }, { size: 60 }],
      legend: { live: true }
    };
    charts.push({ el: el, plot: new uPlot(opts, [t.time].concat(columns), el) });
  }
  make('chart-rps', 'req/s', [
    { label: 'Requests/s', color: C.rps, fill: true },
    { label: 'Failures/s', color: C.failures }
  ], [t.rps, t.failuresPerSec]);
  make('chart-latency', 'ms', [
    { label: 'p50', color: C.p50 },
    { label: 'p95', color: C.p95 },
    { label: 'p99', color: C.p99 }
  ], [t.p50Ms, t.p95Ms, t.p99Ms]);
  make('chart-users', 'users', [{ label: 'Users', color: C.users, fill: true }], [t.users]);
  function resize() {
    charts.forEach(function (c) { c.plot.setSize({ width: widthOf(c.el), height: 240 }); });
  }
  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(resize, 100);
  });
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
  document.documentElement.setAttribute('data-charts', String(charts.length));
})();
`;
