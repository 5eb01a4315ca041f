import type { ParseArgsOptionsConfig } from 'node:util';
import { parseProcessCount } from '../cluster/processes-option.ts';
import { parseDuration } from '../engine/duration.ts';
import { resolveRunPlan } from '../engine/resolve-plan.ts';
import { runLoadTest } from '../engine/run.ts';
import type { RunPlan } from '../engine/run-plan.ts';
import { streamLogger } from '../log.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { expandReportPath } from '../report/path-template.ts';
import type { Reporter } from '../report/reporter.ts';
import { ConsoleReporter } from '../report/reporters/console.ts';
import { CsvReporter } from '../report/reporters/csv-reporter.ts';
import { HtmlReporter } from '../report/reporters/html-reporter.ts';
import { JsonReporter } from '../report/reporters/json.ts';
import { JunitReporter } from '../report/reporters/junit.ts';
import type { VolleyOptions } from '../script/options.ts';
import { playbackScenarioFor } from './har-playback-run.ts';
import { runHelp } from './help.ts';
import type { CliIo } from './io.ts';
import { checkAbortThresholds, checkSendsLoad } from './load-checks.ts';
import { FLAG_OPTIONS_SPECS } from './option-spec.ts';
import { parseCliArgs } from './parse-args.ts';
import { prometheusExporterFor } from './prometheus-option.ts';
import { reportFilesText, reportTemplate } from './report-files.ts';
import { compareWithBaseline, prepareBaseline } from './run-comparison-report.ts';
import { checkCombinations, flagOptions, resolveSettings } from './settings.ts';
import { onSignal } from './signals.ts';
import { UsageError } from './usage-error.ts';
import { expandBareWaitFor, waitTarget, waitUntilUp } from './wait-for.ts';

export const FLAG_OPTIONS: ParseArgsOptionsConfig = {
  ...Object.fromEntries(
    FLAG_OPTIONS_SPECS.map((s) => [
      s.flag,
      {
        type: s.kind === 'bool' ? ('boolean' as const) : ('string' as const),
        ...(s.short ? { short: s.short } : {}),
        ...(s.kind === 'list' ? { multiple: true } : {}),
      },
    ]),
  ),
  scenario: { type: 'string', short: 'f' },
  config: { type: 'string' },
  'only-summary': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Without a terminal: a progress line this often (seconds), so a CI log stays readable. */
const DEFAULT_PRINT_EVERY_SEC = 10;

/**
 * Console and the report files asked for. `every`: print every Nth live table (0: final report only);
 * `dashboard`: on a terminal, the redrawn live view instead of periodic tables.
 */
function runReporters(options: VolleyOptions, io: CliIo, every: number, dashboard: boolean): Reporter[] {
  const reporters: Reporter[] = [];
  const template = reportTemplate(options);
  const printEvery =
    options.printEvery !== undefined
      ? parseDuration(options.printEvery, '--print-every')
      : DEFAULT_PRINT_EVERY_SEC;
  reporters.push(
    new ConsoleReporter({
      out: io.stdout,
      every: printEvery === 0 && io.stdout.isTTY !== true ? 0 : every,
      dashboard,
      progressEverySec: printEvery,
    }),
  );
  if (options.csv) {
    reporters.push(
      new CsvReporter({
        prefix: expandReportPath(options.csv, template),
        fullHistory: options.csvFullHistory ?? false,
      }),
    );
  }
  if (options.jsonFile)
    reporters.push(new JsonReporter({ file: expandReportPath(options.jsonFile, template) }));
  if (options.html) reporters.push(new HtmlReporter({ file: expandReportPath(options.html, template) }));
  if (options.junit) reporters.push(new JunitReporter({ file: expandReportPath(options.junit, template) }));
  return reporters;
}

const SECRET_FLAGS = ['--web-auth', '--cluster-token'];

/** The command line for reports, with the web UI's access token and the cluster token left out. */
function redactSecrets(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (SECRET_FLAGS.includes(args[i - 1] as string)) return '***';
    const flag = SECRET_FLAGS.find((f) => arg.startsWith(`${f}=`));
    return flag ? `${flag}=***` : arg;
  });
}

export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(expandBareWaitFor(args), FLAG_OPTIONS, 'volley run');
  if (values.help) {
    io.stdout.write(runHelp());
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`expected one scenario file, got ${positionals.join(' ')}`);
  const flags = flagOptions(values, FLAG_OPTIONS_SPECS);
  const given = positionals[0] ?? (values.scenario as string | undefined);
  const playback = await playbackScenarioFor(given, flags, values.config as string | undefined, io);
  const { scenario, options: merged } = await resolveSettings(
    {
      file: playback?.file ?? given,
      scenarioFromConfig: true,
      noFileMessage: 'no scenario file: volley run FILE (or -f FILE, or "scenario" in volley.config.json)',
      configFile: values.config as string | undefined,
      flags,
    },
    io,
  );
  if (playback && !merged.host)
    throw new UsageError('volley run FILE.har plays the traffic against -H URL: give the target');
  // Record/replay is loaded only when asked for: plain runs start as fast as before.
  const wantsRecording =
    merged.record !== undefined || merged.replay !== undefined || merged.recordMode !== undefined;
  const record = wantsRecording ? await import('../record/run-options.ts') : null;
  const { options, setup: recording } = record
    ? await record.prepareRecording(merged)
    : { options: merged, setup: null };
  const processes = parseProcessCount(options.processes);
  checkCombinations(options, { processes, recording: recording !== null });
  checkSendsLoad(options);
  checkAbortThresholds(options, options.master !== undefined || processes > 1);
  const waitFor = waitTarget(options);
  if (waitFor) await waitUntilUp(waitFor, options.insecure ?? false, (line) => io.stderr.write(`${line}\n`));

  const baseline = await prepareBaseline(options, io);
  const command = ['volley', 'run', ...redactSecrets(args)].join(' ');
  const onlySummary = values['only-summary'] === true;
  // Recording and replaying are CI flows: they run at once, without the web UI.
  if (!options.headless && !recording) {
    const { serveWebUi } = await import('./web-mode.ts');
    return serveWebUi({
      options,
      scenario,
      io,
      command,
      processes,
      // With the UI the console keeps quiet during a run (as Locust's): the final report only.
      reporters: (runOptions) => runReporters(runOptions, io, 0, false),
    });
  }
  const reporters = runReporters(options, io, onlySummary ? 0 : 2, io.stdout.isTTY === true);
  const prometheus = await prometheusExporterFor(options, false);
  if (prometheus) reporters.push(prometheus);

  const stop = new AbortController();
  let signals = 0;
  const uninstall = onSignal(io, (signal) => {
    signals += 1;
    if (signals === 1) {
      io.stderr.write(`\nvolley: ${signal}: stopping, writing reports (again to quit at once)\n`);
      stop.abort();
    } else {
      io.stderr.write(`volley: ${signal} again: quitting without reports\n`);
      process.exit(130);
    }
  });
  try {
    const log = streamLogger(io.stderr);
    const plan = resolveRunPlan(options, scenario, {
      reporters,
      ...(prometheus ? { sampleSinks: [prometheus] } : {}),
      command,
      signal: stop.signal,
      log,
    });
    if (record && recording) plan.recorder = record.createRecorder(recording, plan, log);
    if (prometheus) io.stderr.write(`volley: Prometheus metrics on ${await prometheus.listen()}\n`);
    if (plan.runTimeSec === null && plan.iterations === null) {
      io.stderr.write('volley: no --run-time or --iterations given: running until Ctrl-C\n');
    }
    const summary = await execute(plan, options, processes, io);
    io.stdout.write(reportFilesText(options, io.cwd));
    if (summary.aggregated.requests === 0) {
      io.stderr.write(`volley: ${noRequestLine(summary)}\n`);
      return summary.exitCode;
    }
    return baseline ? compareWithBaseline(baseline, summary, io) : summary.exitCode;
  } finally {
    uninstall();
    await prometheus?.close();
  }
}

/** Why a run that measured nothing fails (decideOutcome gives it exit code 1). */
function noRequestLine(summary: RunSummary): string {
  const thrown = summary.exceptions.reduce((n, e) => n + e.count, 0);
  const why = thrown > 0 ? `; tasks threw ${thrown} time(s), see the exceptions above` : '';
  return `the run sent no request, so it measured nothing: exit code ${summary.exitCode}${why}`;
}

/** In this process, in N local worker processes, or in workers connected over TCP (cluster code loaded only then). */
async function execute(
  plan: RunPlan,
  options: VolleyOptions,
  processes: number,
  io: CliIo,
): Promise<RunSummary> {
  if (options.master) {
    const { runTcpCluster } = await import('../cluster/run-tcp-cluster.ts');
    const expectWorkers = options.expectWorkers ?? 1;
    return runTcpCluster(plan, options, {
      master: options.master,
      expectWorkers,
      onListening: (address) =>
        io.stderr.write(
          `volley: waiting for ${expectWorkers} worker(s): volley worker --master ${address}\n`,
        ),
    });
  }
  if (processes > 1) {
    const { runLocalCluster } = await import('../cluster/run-local-cluster.ts');
    return runLocalCluster(plan, options, processes, { cwd: io.cwd, env: io.env });
  }
  return runLoadTest(plan);
}
