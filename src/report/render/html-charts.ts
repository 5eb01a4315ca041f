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

/** Colours of the per-endpoint chart's lines, in the order the endpoints are picked. */
const ENDPOINT_COLORS = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#dc2626',
  '#7c3aed',
  '#0891b2',
  '#be185d',
  '#4d7c0f',
];

/**
 * The uPlot scale of response-time charts (this report's and the web UI's), as script source: log 10, whole
 * powers of ten around the data, with room: the lowest value at least a factor 2 above the axis (a median
 * of 0.105 ms under a range from 0.1 lay on it) and the highest a factor 2 below the top.
 */
export const LOG_TIME_SCALE =
  '{ distr: 3, log: 10, range: function (_u, min, max) { return min > 0 && max > 0 ? uPlot.rangeLog(min / 2, max * 2, 10, true) : [1, 100]; } }';

export const HTML_CHARTS_SCRIPT = `
(function () {
  'use strict';
  var C = ${JSON.stringify(CHART_COLORS)};
  var EC = ${JSON.stringify(ENDPOINT_COLORS)};
  var source = document.getElementById('volley-timeline');
  if (!source || typeof uPlot === 'undefined') return;
  var t = JSON.parse(source.textContent);
  if (!t.time || t.time.length === 0) return;
  var charts = [];
  var X_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  function widthOf(el) { return Math.max(280, Math.floor(el.getBoundingClientRect().width || 600)); }
  // ISO 8601 times in UTC, as the report's dates: never a locale's month/day order or am/pm.
  function iso(v) { return new Date(v * 1000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'; }
  function clockOf(v) { return new Date(v * 1000).toISOString().slice(11, 19); }
  // 3 significant digits, as the tables.
  function figure(v) { var a = Math.abs(v); return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2); }
  // A log scale cannot show 0: a second without requests is a gap.
  function positive(column) { return column.map(function (v) { return v == null || v <= 0 ? null : v; }); }
  var fromZero = { range: function (_u, _min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
  var logScale = ${LOG_TIME_SCALE};
  function options(el, unit, series, y) {
    return {
      width: widthOf(el),
      height: 240,
      scales: { x: { time: true }, y: y },
      series: [{ value: function (_u, v) { return v == null ? '-' : iso(v); } }].concat(series.map(function (s) {
        return {
          label: s.label,
          stroke: s.color,
          width: 2,
          spanGaps: false,
          fill: s.fill ? s.color + '1a' : undefined,
          value: function (_u, v) { return v == null ? '-' : figure(v) + ' ' + unit; }
        };
      })),
      // Whole seconds at least: sub-second ticks would only repeat the same snapshot.
      axes: [
        { space: 70, incrs: X_INCREMENTS, values: function (_u, splits) { return splits.map(clockOf); } },
        { size: 60, values: function (_u, splits) { return splits.map(function (v) { return v == null ? '' : figure(v); }); } }
      ],
      legend: { live: true },
      // The y range drawn, for a reader (or a test) to check the axis starts where it should.
      hooks: { draw: [function (u) {
        el.setAttribute('data-y-min', String(u.scales.y.min));
        el.setAttribute('data-y-max', String(u.scales.y.max));
      }] }
    };
  }
  function make(id, unit, series, columns, y) {
    var el = document.getElementById(id);
    if (!el) return null;
    el.textContent = '';
    var chart = { el: el, plot: new uPlot(options(el, unit, series, y), [t.time].concat(columns), el) };
    charts.push(chart);
    return chart;
  }
  make('chart-rps', 'req/s', [
    { label: 'Requests/s', color: C.rps, fill: true },
    { label: 'Failures/s', color: C.failures }
  ], [t.rps, t.failuresPerSec], fromZero);
  // Log scale: a median 100 times below the p95 is still a readable line, not one flat at 0.
  make('chart-latency', 'ms', [
    { label: 'p50', color: C.p50 },
    { label: 'p95', color: C.p95 },
    { label: 'p99', color: C.p99 }
  ], [positive(t.p50Ms), positive(t.p95Ms), positive(t.p99Ms)], logScale);
  make('chart-users', 'users', [{ label: 'Users', color: C.users, fill: true }], [t.users], fromZero);

  // Per endpoint: the picked endpoints' p95, median or rate; redrawn when the pick changes.
  var picker = document.getElementById('endpoint-picker');
  var endpointChart = null;
  function drawEndpoints() {
    if (!picker || !t.endpoints) return;
    var metric = picker.elements.metric.value;
    var boxes = picker.querySelectorAll('input[name=endpoint]');
    var series = [];
    var columns = [];
    for (var i = 0; i < boxes.length; i++) {
      if (!boxes[i].checked) continue;
      var e = t.endpoints[Number(boxes[i].value)];
      series.push({ label: e.method + ' ' + e.name, color: EC[series.length % EC.length] });
      columns.push(metric === 'rps' ? e.rps : positive(e[metric]));
    }
    if (endpointChart) {
      endpointChart.plot.destroy();
      charts.splice(charts.indexOf(endpointChart), 1);
    }
    endpointChart = make('chart-endpoints', metric === 'rps' ? 'req/s' : 'ms', series, columns, metric === 'rps' ? fromZero : logScale);
    if (endpointChart) endpointChart.el.setAttribute('data-series', String(series.length));
  }
  if (picker) {
    drawEndpoints();
    picker.addEventListener('change', drawEndpoints);
  }
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
