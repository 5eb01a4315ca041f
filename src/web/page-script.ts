/**
 * The page's script, served as /assets/app.js. Plain browser JavaScript (no build step): it loads
 * /api/state once, then follows /api/events (server-sent events) and posts JSON to the control endpoints.
 */
import { LOG_TIME_SCALE } from '../report/render/html-charts.ts';

export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var state = null;
  var shownRun = null;
  var statsThisRun = false;
  var points = [];
  var charts = null;
  var logLines = [];
  var MAX_LOG_LINES = 500;
  var MAX_POINTS = 3600;

  function fmt(n, digits) {
    if (n === null || n === undefined || !isFinite(n)) return '–';
    return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }

  // Milliseconds keep sub-millisecond detail where it matters, as the console does.
  function fmtMs(n) {
    if (n === null || n === undefined || !isFinite(n)) return '–';
    return fmt(n, n >= 100 ? 0 : n >= 10 ? 1 : 2);
  }

  // 75 → "1:15", 3725 → "1:02:05": as the terminal's live view.
  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = String(total % 60).padStart(2, '0');
    return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + s : m + ':' + s;
  }

  var lastElapsed = null;
  function renderTimes() {
    var planned = state ? state.plannedDurationSec : null;
    var running = state && (state.state === 'running' || state.state === 'stopping');
    $('stat-elapsed').textContent = lastElapsed === null ? '–' : clock(lastElapsed);
    $('stat-remaining').textContent = running && planned && lastElapsed !== null
      ? clock(Math.max(0, planned - lastElapsed)) : '–';
  }

  function showMessage(text) {
    var m = $('message');
    m.textContent = text || '';
    m.hidden = !text;
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
        return data;
      });
    });
  }

  function control(path, body) {
    showMessage('');
    return post(path, body).then(renderState, function (err) { showMessage(err.message); });
  }

  function renderState(view) {
    state = view;
    if (shownRun !== null && view.runNumber !== shownRun) {
      statsThisRun = false;
      points = [];
      updateCharts();
    }
    shownRun = view.runNumber;
    var s = view.state;
    var el = $('stat-state');
    var reason = view.ended && s === 'stopped' ? view.ended.stopReason : '';
    el.textContent = s + (reason && reason !== 'stopped' ? ' (' + reason + ')' : '');
    el.className = 'state-' + s;
    $('stat-host').textContent = view.params.host || '–';
    var running = s === 'running';
    $('stop').disabled = !running;
    $('show-edit').disabled = !running;
    $('show-start').disabled = running || s === 'stopping';
    $('reset').disabled = s === 'stopping';
    if (running) $('start-panel').hidden = true;
    else $('edit-panel').hidden = true;
    if (s === 'ready' || s === 'stopped') {
      if (!view.runNumber) $('start-panel').hidden = false;
    }
    // Nothing is sent once a run is over: no current rate, whatever the last snapshot said.
    if (s !== 'running' && s !== 'stopping') $('stat-rps').textContent = '0';
    if (!view.runNumber) lastElapsed = null;
    renderTimes();
    // The note says running or ended as the state does, whichever event came first.
    renderWorkers(shownWorkers);
    if (view.error) showMessage(view.error);
    else if (s === 'running' && $('message').textContent.indexOf('cannot reach') === 0) showMessage('');
  }

  function fillStartForm(params) {
    $('users').value = params.users;
    $('spawn-rate').value = params.spawnRate === null ? '' : params.spawnRate;
    $('host').value = params.host || '';
    $('run-time').value = params.runTime || '';
    $('tags').value = (params.tags || []).join(',');
  }

  function cell(tr, text) {
    var td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }

  function fillTable(id, rows, toCells, rowClass) {
    var body = document.querySelector('#' + id + ' tbody');
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row, i) {
      var tr = document.createElement('tr');
      if (rowClass) tr.className = rowClass(row, i);
      toCells(row).forEach(function (c) { cell(tr, c); });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
  }

  function endpointCells(e) {
    var p = e.percentiles || {};
    var none = e.requests === 0;
    return [
      e.method, e.name, fmt(e.requests), fmt(e.failures), none ? '–' : fmtMs(e.medianMs),
      none ? '–' : fmtMs(p['95']), none ? '–' : fmtMs(p['99']), none ? '–' : fmtMs(e.avgMs),
      none ? '–' : fmtMs(e.minMs), none ? '–' : fmtMs(e.maxMs),
      fmt(e.avgContentBytes), fmt(e.currentRps, 1), fmt(e.currentFailuresPerSec, 1),
    ];
  }

  // Passes ÷ runs as the console shows it: never rounded to 100 % with a fail nor to 0 % with a pass.
  function passPercent(c) {
    var runs = c.passes + c.fails;
    if (!runs) return '–';
    var text = ((100 * c.passes) / runs).toFixed(2);
    if (c.fails > 0 && text === '100.00') text = '99.99';
    else if (c.passes > 0 && text === '0.00') text = '0.01';
    return text + ' %';
  }

  // In the snapshot's order (request name, method, check name), as the JSON lists them.
  function renderChecks(checks) {
    $('checks-empty').hidden = checks.length > 0;
    $('checks-table').hidden = checks.length === 0;
    fillTable('checks-table', checks, function (c) {
      return [c.name, c.method, c.endpoint, fmt(c.passes), fmt(c.fails), passPercent(c)];
    }, function (c) { return c.fails > 0 ? 'failed' : ''; });
  }

  function renderStats(live) {
    if (!live) {
      fillTable('stats-table', [], endpointCells);
      fillTable('failures-table', [], function () { return []; });
      fillTable('exceptions-table', [], function () { return []; });
      renderChecks([]);
      renderWorkers(null);
      $('stat-requests').textContent = '0';
      $('stat-rps').textContent = '0';
      $('stat-fail').textContent = '0%';
      return;
    }
    lastElapsed = live.snapshot.elapsedSec;
    renderTimes();
    var snap = live.snapshot;
    var agg = snap.aggregated;
    var endpoints = snap.endpoints.slice().sort(function (a, b) {
      return a.name < b.name ? -1 : a.name > b.name ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0;
    });
    var rows = endpoints.concat([agg]);
    fillTable('stats-table', rows, endpointCells, function (_r, i) { return i === rows.length - 1 ? 'total' : ''; });
    fillTable('failures-table', snap.failures, function (f) { return [fmt(f.occurrences), f.method, f.name, f.error]; });
    fillTable('exceptions-table', snap.exceptions, function (x) { return [fmt(x.count), x.message, x.stack]; });
    renderChecks(snap.checks);
    $('stat-users').textContent = fmt(snap.users);
    $('stat-requests').textContent = fmt(agg.requests);
    // Once a run ended nothing is sent any more: no current rate.
    var over = state && state.state !== 'running' && state.state !== 'stopping';
    $('stat-rps').textContent = over ? '0' : fmt(agg.currentRps, 1);
    $('stat-fail').textContent = agg.requests ? fmt((100 * agg.failures) / agg.requests, 1) + '%' : '0%';
    renderRatio(live.usersByClass, snap.users, live.ratioKept);
    renderWorkers(live.workers);
  }

  function renderRatio(byClass, total, kept) {
    $('ratio-note').hidden = !kept;
    $('ratio-note').textContent = kept ? 'The run\'s users have left: the ratio last seen while they ran.' : '';
    if (!byClass) {
      var why = state && state.cluster ? '(workers do not report users per class)' : '(not reported by this engine)';
      fillTable('ratio-table', [[why, fmt(total), '']], function (r) { return r; });
      return;
    }
    var names = Object.keys(byClass).sort();
    var sum = names.reduce(function (a, n) { return a + byClass[n]; }, 0);
    fillTable('ratio-table', names.map(function (n) { return [n, byClass[n]]; }), function (r) {
      return [r[0], fmt(r[1]), sum ? fmt((100 * r[1]) / sum, 1) + '%' : '–'];
    });
  }

  // A worker this busy measures its own queueing, not the target's: Locust warns at 90 % too.
  var HOT_CPU_PERCENT = 90;

  var shownWorkers = null;
  function renderWorkers(workers) {
    shownWorkers = workers;
    var cluster = state && state.cluster;
    var rows = workers || [];
    $('workers-count').textContent = cluster ? '(' + (rows.length || cluster.workers) + ')' : '';
    if (!cluster) {
      $('workers-note').textContent = 'This run goes on in one process. Start volley with --processes N (workers on this machine) or --master HOST:PORT --expect-workers N (workers connecting over the network) to spread the users over workers.';
    } else if (!rows.length) {
      $('workers-note').textContent = cluster.kind === 'master'
        ? 'Each run waits for ' + cluster.workers + ' worker(s) to connect: volley worker --master ' + cluster.master
        : 'Each run starts ' + cluster.workers + ' worker processes on this machine.';
    } else {
      var where = cluster.kind === 'master' ? ' (coordinator ' + cluster.master + ')' : ' (on this machine)';
      var active = state.state === 'running' || state.state === 'stopping';
      var byState = {};
      rows.forEach(function (w) { byState[w.state] = (byState[w.state] || 0) + 1; });
      $('workers-note').textContent = active
        ? (byState.running || 0) + ' of ' + rows.length + ' workers running' + where + '.'
        : 'The run\'s ' + rows.length + ' workers ended: ' + Object.keys(byState).sort().map(function (k) {
          return byState[k] + ' ' + k;
        }).join(', ') + where + '.';
    }
    $('workers-table').hidden = rows.length === 0;
    var hot = rows.filter(function (w) { return w.cpuPercent !== null && w.cpuPercent >= HOT_CPU_PERCENT; });
    $('workers-hot').hidden = hot.length === 0;
    $('workers-hot').textContent = hot.length
      ? 'Worker ' + hot.map(function (w) { return w.index; }).join(', ') + ' at ' + HOT_CPU_PERCENT +
        ' % CPU or more: response times then include its own delays. Add workers or lower the load.'
      : '';
    var body = document.querySelector('#workers-table tbody');
    var fragment = document.createDocumentFragment();
    var total = { users: 0, rps: 0 };
    rows.forEach(function (w) {
      total.users += w.users;
      total.rps += w.rps;
      var tr = document.createElement('tr');
      tr.className = w.state;
      tr.dataset.index = String(w.index);
      [String(w.index), w.host, w.state, fmt(w.users), fmt(w.rps, 1)].forEach(function (c) { cell(tr, c); });
      cell(tr, w.cpuPercent === null ? '–' : fmt(w.cpuPercent, 0) + ' %');
      if (w.cpuPercent !== null && w.cpuPercent >= HOT_CPU_PERCENT) tr.lastChild.className = 'hot';
      fragment.appendChild(tr);
    });
    if (rows.length) {
      var tr = document.createElement('tr');
      tr.className = 'total';
      ['', 'Total', '', fmt(total.users), fmt(total.rps, 1), ''].forEach(function (c) { cell(tr, c); });
      fragment.appendChild(tr);
    }
    body.replaceChildren(fragment);
  }

  function addLogs(lines) {
    logLines = logLines.concat(lines);
    if (logLines.length > MAX_LOG_LINES) logLines = logLines.slice(-MAX_LOG_LINES);
    $('logs').textContent = logLines.map(function (l) {
      return new Date(l.time).toISOString().slice(11, 19) + ' ' + (l.level === 'info' ? '' : l.level.toUpperCase() + ' ') + l.message;
    }).join('\n');
  }

  function chartData() {
    var t = points.map(function (p) { return p.t; });
    var col = function (k) { return points.map(function (p) { return p[k]; }); };
    return {
      rps: [t, col('rps'), col('failuresPerSec')],
      times: [t, positive(col('p50')), positive(col('p95'))],
      users: [t, col('users')],
    };
  }

  // The times chart is log scale (a median 100 times below the p95 stays readable): 0 cannot be drawn.
  // Its range is the HTML report's (LOG_TIME_SCALE).
  function positive(column) { return column.map(function (v) { return v === null || v <= 0 ? null : v; }); }

  function makeCharts() {
    if (typeof uPlot === 'undefined') return null;
    var width = Math.max(300, $('tab-charts').clientWidth - 10);
    var d = chartData();
    var fromZero = { range: function (_u, _min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
    var opts = function (title, series, y) {
      return {
        title: title, width: width, height: 200, series: [{}].concat(series), scales: { x: { time: true }, y: y },
        // The y range drawn, on the chart's element: the axis minimum can be checked (and read by a test).
        hooks: { draw: [function (u) {
          u.root.parentNode.setAttribute('data-y-min', String(u.scales.y.min));
          u.root.parentNode.setAttribute('data-y-max', String(u.scales.y.max));
        }] },
        // Whole seconds only: snapshots come once a second.
        axes: [{
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
          values: function (_u, splits) {
            return splits.map(function (v) { return new Date(v * 1000).toTimeString().slice(0, 8); });
          },
        }, {}],
      };
    };
    return {
      rps: new uPlot(opts('Total requests per second', [
        { label: 'RPS', stroke: '#1a7f37' }, { label: 'Failures/s', stroke: '#c4321f' },
      ], fromZero), d.rps, $('chart-rps')),
      times: new uPlot(opts('Response times (ms, log scale)', [
        { label: 'Median', stroke: '#1f6feb' }, { label: '95th percentile', stroke: '#9a6700' },
      ], ${LOG_TIME_SCALE}), d.times, $('chart-times')),
      users: new uPlot(opts('Number of users', [{ label: 'Users', stroke: '#6e40c9' }], fromZero), d.users, $('chart-users')),
    };
  }

  function updateCharts() {
    if (!charts) return;
    var d = chartData();
    charts.rps.setData(d.rps);
    charts.times.setData(d.times);
    charts.users.setData(d.users);
  }

  function selectTab(name) {
    document.querySelectorAll('.tabs button').forEach(function (b) {
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    });
    document.querySelectorAll('main .tab').forEach(function (s) { s.hidden = s.id !== 'tab-' + name; });
    if (name === 'charts' && !charts) charts = makeCharts();
  }

  document.querySelectorAll('.tabs button').forEach(function (b) {
    b.addEventListener('click', function () { selectTab(b.dataset.tab); });
  });
  $('show-start').addEventListener('click', function () {
    $('start-panel').hidden = !$('start-panel').hidden;
  });
  $('show-edit').addEventListener('click', function () {
    var open = state && state.loadModel === 'open';
    document.querySelectorAll('#edit-panel .closed-only').forEach(function (l) { l.hidden = open; });
    document.querySelectorAll('#edit-panel .open-only').forEach(function (l) { l.hidden = !open; });
    $('edit-users').value = state && state.targetUsers !== null ? state.targetUsers : '';
    $('edit-rate').value = state && state.targetRate !== null ? state.targetRate : '';
    $('edit-panel').hidden = !$('edit-panel').hidden;
  });
  $('start-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    control('/api/start', {
      users: $('users').value, spawnRate: $('spawn-rate').value, host: $('host').value,
      runTime: $('run-time').value, tags: $('tags').value,
    });
  });
  $('edit-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var change = state && state.loadModel === 'open'
      ? control('/api/rate', { rate: $('edit-rate').value })
      : control('/api/users', { users: $('edit-users').value, spawnRate: $('edit-spawn-rate').value });
    change.then(function () { $('edit-panel').hidden = true; });
  });
  $('stop').addEventListener('click', function () { control('/api/stop'); });
  $('reset').addEventListener('click', function () { control('/api/reset').then(function () { renderStats(null); }); });

  // Before a distributed run's first numbers (workers starting, or --master waiting for them to connect)
  // no stats event comes: the Workers tab asks for the workers once a second meanwhile.
  setInterval(function () {
    if (!state || !state.cluster || state.state !== 'running' || statsThisRun) return;
    fetch('/api/workers', { credentials: 'same-origin' }).then(function (res) { return res.json(); })
      .then(function (body) {
        // The address --master listens on is known once it listens (port 0: any free port).
        if (state) state.cluster = body.cluster;
        if (!statsThisRun) renderWorkers(body.workers);
      }, function () {});
  }, 1000);

  function connect() {
    var source = new EventSource('/api/events');
    source.addEventListener('state', function (ev) { renderState(JSON.parse(ev.data)); });
    source.addEventListener('stats', function (ev) {
      var live = JSON.parse(ev.data);
      if (live) statsThisRun = true;
      renderStats(live);
      if (live && !live.final) {
        var last = points[points.length - 1];
        if (!last || last.t !== live.point.t) points.push(live.point);
        if (points.length > MAX_POINTS) points.shift();
        updateCharts();
      }
    });
    source.addEventListener('log', function (ev) { addLogs(JSON.parse(ev.data)); });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) showMessage('cannot reach volley: live updates stopped');
    });
  }

  fetch('/api/state', { credentials: 'same-origin' }).then(function (res) { return res.json(); }).then(function (s) {
    fillStartForm(s.runNumber ? s.params : s.defaults);
    renderState(s);
    renderStats(s.stats);
    points = s.points || [];
    logLines = [];
    addLogs(s.logs || []);
    connect();
  }, function (err) { showMessage('cannot reach volley: ' + err.message); });
})();
`;
