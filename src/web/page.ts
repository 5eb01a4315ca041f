/** The page shell. Scripts and styles are separate files, so the Content-Security-Policy can forbid inline code. */
export function renderPage(options: { title: string }): string {
  const title = escapeHtml(options.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>volley – ${title}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/uplot.css">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header>
  <div class="brand">volley <span class="scenario">${title}</span></div>
  <dl class="kpis">
    <div><dt>Status</dt><dd id="stat-state">…</dd></div>
    <div><dt>Host</dt><dd id="stat-host">–</dd></div>
    <div><dt>Users</dt><dd id="stat-users">0</dd></div>
    <div><dt>Requests</dt><dd id="stat-requests">0</dd></div>
    <div><dt>RPS</dt><dd id="stat-rps">0</dd></div>
    <div><dt>Failures</dt><dd id="stat-fail">0%</dd></div>
    <div><dt>Elapsed</dt><dd id="stat-elapsed">–</dd></div>
    <div><dt>Remaining</dt><dd id="stat-remaining">–</dd></div>
  </dl>
  <div class="actions">
    <button id="show-start" type="button">New test</button>
    <button id="show-edit" type="button">Edit</button>
    <button id="stop" type="button" class="danger">Stop</button>
    <button id="reset" type="button">Reset stats</button>
  </div>
</header>
<p id="message" role="status" hidden></p>
<section id="start-panel" class="panel" hidden>
  <h2>Start a new load test</h2>
  <form id="start-form">
    <label>Number of users <input id="users" name="users" type="number" min="1" step="1" required></label>
    <label>Spawn rate (users/s, empty: all at once) <input id="spawn-rate" name="spawnRate" type="number" min="0" step="any"></label>
    <label>Host <input id="host" name="host" type="url" placeholder="http://127.0.0.1:5000"></label>
    <label>Run time (e.g. 30s, 5m; empty: until stopped) <input id="run-time" name="runTime" type="text"></label>
    <label>Tags (comma-separated; empty: all tasks) <input id="tags" name="tags" type="text"></label>
    <button id="start" type="submit" class="primary">Start</button>
  </form>
</section>
<section id="edit-panel" class="panel" hidden>
  <h2>Change the running test</h2>
  <form id="edit-form">
    <label class="closed-only">Number of users <input id="edit-users" name="users" type="number" min="0" step="1"></label>
    <label class="closed-only">Spawn rate (users/s) <input id="edit-spawn-rate" name="spawnRate" type="number" min="0" step="any"></label>
    <label class="open-only">Arrivals per second <input id="edit-rate" name="rate" type="number" min="0" step="any"></label>
    <button id="update-users" type="submit" class="primary">Update</button>
  </form>
</section>
<nav class="tabs" role="tablist">
  <button role="tab" data-tab="stats" aria-selected="true">Statistics</button>
  <button role="tab" data-tab="charts">Charts</button>
  <button role="tab" data-tab="failures">Failures</button>
  <button role="tab" data-tab="exceptions">Exceptions</button>
  <button role="tab" data-tab="checks">Checks</button>
  <button role="tab" data-tab="ratio">Current ratio</button>
  <button role="tab" data-tab="workers">Workers <span id="workers-count"></span></button>
  <button role="tab" data-tab="logs">Logs</button>
  <button role="tab" data-tab="downloads">Download data</button>
</nav>
<main>
  <section id="tab-stats" class="tab">
    <table id="stats-table"><thead><tr>
      <th>Type</th><th>Name</th><th># Requests</th><th># Fails</th><th>Median (ms)</th><th>95%ile (ms)</th>
      <th>99%ile (ms)</th><th>Average (ms)</th><th>Min (ms)</th><th>Max (ms)</th><th>Average size (bytes)</th>
      <th>Current RPS</th><th>Current Failures/s</th>
    </tr></thead><tbody></tbody></table>
  </section>
  <section id="tab-charts" class="tab" hidden>
    <div id="chart-rps" class="chart"></div>
    <div id="chart-times" class="chart"></div>
    <div id="chart-users" class="chart"></div>
  </section>
  <section id="tab-failures" class="tab" hidden>
    <table id="failures-table"><thead><tr><th># Failures</th><th>Method</th><th>Name</th><th>Message</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="tab-exceptions" class="tab" hidden>
    <table id="exceptions-table"><thead><tr><th>Count</th><th>Message</th><th>Traceback</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="tab-checks" class="tab" hidden>
    <p id="checks-empty" class="empty">No named checks in this run. Give a request's <code>check</code> a record of name → function to count each one here.</p>
    <table id="checks-table" hidden><thead><tr><th>Check</th><th>Method</th><th>Endpoint</th><th># Passes</th><th># Fails</th><th>Pass %</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="tab-ratio" class="tab" hidden>
    <p id="ratio-note" class="empty" hidden></p>
    <table id="ratio-table"><thead><tr><th>User class</th><th>Users</th><th>Share</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="tab-workers" class="tab" hidden>
    <p id="workers-note" class="empty"></p>
    <p id="workers-hot" class="warning" hidden></p>
    <table id="workers-table" hidden><thead><tr>
      <th>#</th><th>Host</th><th>State</th><th>Users</th><th>Current RPS</th><th>CPU (% of a core)</th>
    </tr></thead><tbody></tbody></table>
  </section>
  <section id="tab-logs" class="tab" hidden>
    <pre id="logs"></pre>
  </section>
  <section id="tab-downloads" class="tab" hidden>
    <ul class="downloads">
      <li><a id="download-stats" href="/download/stats.csv" download>Download requests statistics CSV</a></li>
      <li><a id="download-history" href="/download/stats_history.csv" download>Download response time stats history CSV</a></li>
      <li><a id="download-failures" href="/download/failures.csv" download>Download failures CSV</a></li>
      <li><a id="download-exceptions" href="/download/exceptions.csv" download>Download exceptions CSV</a></li>
      <li><a id="download-checks" href="/download/checks.csv" download>Download named checks CSV</a></li>
      <li><a id="download-json" href="/download/summary.json" download>Download the JSON summary</a></li>
      <li><a id="download-report" href="/download/report.html" download>Download the HTML report</a></li>
    </ul>
  </section>
</main>
<script src="/assets/uplot.js"></script>
<script src="/assets/app.js"></script>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
