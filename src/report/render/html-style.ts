/** The HTML report's own style: system fonts, quiet colours, tables that print. */
export const HTML_REPORT_CSS = `
:root {
  --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --card: #ffffff;
  --accent: #2563eb; --pass: #15803d; --pass-bg: #dcfce7; --fail: #b91c1c; --fail-bg: #fee2e2;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1280px; margin: 0 auto; padding: 24px 24px 48px; }
header.report-header {
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px;
  padding-bottom: 16px; border-bottom: 1px solid var(--line); margin-bottom: 20px;
}
.brand { font-weight: 700; letter-spacing: .04em; color: var(--accent); text-transform: lowercase; }
h1 { font-size: 22px; margin: 0; font-weight: 650; }
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 650; }
h3 { font-size: 13px; margin: 0 0 8px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.subtitle { width: 100%; margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.badge {
  display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 700;
  letter-spacing: .04em; text-transform: uppercase; white-space: nowrap;
}
.badge.pass { color: var(--pass); background: var(--pass-bg); }
.badge.fail { color: var(--fail); background: var(--fail-bg); }
.badge.warn { color: #92400e; background: #fef3c7; }
section.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; margin: 0 0 18px; overflow-x: auto;
}
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 18px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kpi .unit { font-size: 13px; color: var(--muted); font-weight: 400; margin-left: 2px; }
.kpi.bad .value { color: var(--fail); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 18px; }
.chart { min-height: 260px; }
.chart .uplot { font-family: inherit; }
.picker { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 0 0 8px; font-size: 13px; }
.picker label { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; background: #f9fafb; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.name { overflow-wrap: anywhere; min-width: 12em; }
td.error, td.message { overflow-wrap: anywhere; }
tr.aggregated td { font-weight: 650; border-top: 2px solid var(--line); }
tbody tr:hover td { background: #f9fafb; }
.method { font-family: var(--mono); font-size: 12px; color: var(--muted); }
code, pre { font-family: var(--mono); font-size: 12px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0 0; color: var(--muted); }
details summary { cursor: pointer; color: var(--accent); }
.empty { color: var(--muted); margin: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { background: #fff; font-size: 10px; }
  main { max-width: none; padding: 0; }
  section.card, .kpi { border-color: #ccc; break-inside: avoid; page-break-inside: avoid; overflow: visible; }
  section.card.long { break-inside: auto; page-break-inside: auto; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .charts { display: block; }
  .chart { break-inside: avoid; margin-bottom: 8px; }
  th, td { padding: 3px 6px; }
  tbody tr:hover td { background: none; }
  details > pre { display: block; }
  .u-legend .u-value, .u-legend .u-series:first-child { display: none; }
  .badge, th, .kpi { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
