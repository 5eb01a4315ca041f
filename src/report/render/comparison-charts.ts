/**
 * The comparison page's in-page script (plain JavaScript, run by the browser): one uPlot per endpoint,
 * BASE and NEW latency against percentile, the x axis in "nines" so the tail gets room.
 */
export const COMPARISON_COLORS = { base: '#64748b', next: '#ea580c' } as const;

export const COMPARISON_CHARTS_SCRIPT = `
(function () {
  'use strict';
  var C = ${JSON.stringify(COMPARISON_COLORS)};
  var source = document.getElementById('volley-curves');
  if (!source || typeof uPlot === 'undefined') return;
  var curves = JSON.parse(source.textContent);
  function label(nines) {
    var p = 100 * (1 - Math.pow(10, -nines));
    return (Math.round(p * 1000) / 1000) + '%';
  }
  var drawn = 0;
  curves.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    el.textContent = '';
    var width = Math.max(280, Math.floor(el.getBoundingClientRect().width || 600));
    new uPlot({
      width: width,
      height: 260,
      scales: { x: { time: false } },
      series: [
        { label: 'percentile', value: function (u, v) { return v == null ? '-' : label(v); } },
        { label: 'base', stroke: C.base, width: 2, value: function (u, v) { return v == null ? '-' : v + ' ms'; } },
        { label: 'new', stroke: C.next, width: 2, value: function (u, v) { return v == null ? '-' : v + ' ms'; } }
      ],
      axes: [
        { splits: function (u) { var s = []; for (var i = 0; i <= Math.ceil(u.scales.x.max); i++) s.push(i); return s; },
          values: function (u, splits) { return splits.map(label); } },
        { size: 60 }
      ]
    }, [c.x, c.base, c.next], el);
    drawn++;
  });
  document.documentElement.setAttribute('data-charts', String(drawn));
})();
`;
