/** The page's stylesheet, served as /assets/app.css. */
export const PAGE_STYLE = `
:root { --fg: #1d2330; --muted: #667085; --line: #d9dee7; --accent: #1f6feb; --bad: #c4321f; --bg: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 10px 16px; background: #fff;
  border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; font-size: 18px; }
.scenario { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 6px; }
.kpis { display: flex; gap: 18px; margin: 0; flex: 1; flex-wrap: wrap; }
.kpis div { display: flex; flex-direction: column; }
.kpis dt { font-size: 11px; text-transform: uppercase; color: var(--muted); }
.kpis dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.actions { display: flex; gap: 8px; }
button { font: inherit; padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; background: #fff;
  cursor: pointer; }
button:disabled { opacity: .45; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--bad); }
.panel { margin: 12px 16px; padding: 12px 16px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
.panel h2 { margin: 0 0 8px; font-size: 15px; }
.panel form { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
[hidden] { display: none !important; }
.panel label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 4px; }
.panel input { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 5px; min-width: 140px; }
#message { margin: 8px 16px; padding: 8px 12px; border-radius: 6px; background: #fff4e5; border: 1px solid #f5c27a; }
.tabs { display: flex; gap: 2px; padding: 0 16px; margin-top: 12px; border-bottom: 1px solid var(--line); }
.tabs button { border: none; border-bottom: 2px solid transparent; border-radius: 0; background: none; }
.tabs button[aria-selected="true"] { border-bottom-color: var(--accent); color: var(--accent); }
main { padding: 12px 16px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
tr.total td { font-weight: 700; }
#failures-table th, #failures-table td, #exceptions-table th, #exceptions-table td { text-align: left; }
#failures-table th:first-child, #failures-table td:first-child,
#exceptions-table th:first-child, #exceptions-table td:first-child { text-align: right; }
#failures-table td:last-child, #exceptions-table td { white-space: pre-wrap; }
#checks-table th:nth-child(3), #checks-table td:nth-child(3) { text-align: left; }
#checks-table tr.failed td:nth-child(5) { color: var(--bad); font-weight: 600; }
.empty { color: var(--muted); margin: 4px 0; }
.warning { margin: 4px 0 8px; padding: 6px 10px; border-radius: 6px; background: #fff4e5; border: 1px solid #f5c27a; }
#workers-table th:nth-child(3), #workers-table td:nth-child(3) { text-align: left; }
#workers-table td.hot { color: var(--bad); font-weight: 600; }
#workers-table tr.lost td:nth-child(3) { color: var(--bad); font-weight: 600; }
#workers-count { color: var(--muted); font-size: 12px; }
#logs { background: #fff; border: 1px solid var(--line); padding: 8px; max-height: 70vh; overflow: auto; margin: 0; }
.chart { background: #fff; border: 1px solid var(--line); margin-bottom: 12px; padding: 4px; }
.downloads li { margin: 6px 0; }
.state-running { color: #1a7f37; }
.state-stopping { color: #9a6700; }
`;
