import { relative } from 'node:path';
import { parseDuration } from '../engine/duration.ts';
import { OptionError } from '../engine/option-error.ts';
import { resolveRunPlan } from '../engine/resolve-plan.ts';
import type { LoadedScenario } from '../engine/scenario-loader.ts';
import { streamLogger } from '../log.ts';
import { isLoopbackHost } from '../report/loopback-host.ts';
import { renderHtmlReport } from '../report/render/html-report.ts';
import { RunTimeline } from '../report/render/timeline.ts';
import { loadChartAssets } from '../report/render/uplot-assets.ts';
import type { Reporter } from '../report/reporter.ts';
import type { VolleyOptions } from '../script/options.ts';
import { generateToken } from '../web/access.ts';
import type { HtmlReportBuilder } from '../web/downloads.ts';
import {
  createEngineLauncher,
  defaultRunParams,
  type EngineLauncherOptions,
  optionsForRun,
} from '../web/engine-launcher.ts';
import type { ClusterInfo } from '../web/live-run.ts';
import { RunSession } from '../web/run-session.ts';
import { startWebServer } from '../web/web-server.ts';
import type { CliIo } from './io.ts';
import { prometheusExporterFor } from './prometheus-option.ts';
import { onSignal } from './signals.ts';

export interface WebModeContext {
  options: VolleyOptions;
  scenario: LoadedScenario;
  io: CliIo;
  command: string;
  reporters: (options: VolleyOptions) => Reporter[];
  /** --processes, parsed: above 1, each run goes to that many local worker processes. */
  processes?: number;
}

const DEFAULT_WEB_PORT = 8089;

/**
 * `volley run` without --headless, as Locust: serve the web UI and wait for Start (or start at once with
 * --autostart). It stays up until Ctrl-C, or quits --autoquit after a run ends. The exit code is the last
 * run's (0 when none ran). Ctrl-C stops a running run and writes its reports first.
 */
export async function serveWebUi(ctx: WebModeContext): Promise<number> {
  const { options, scenario, io } = ctx;
  const webHost = options.webHost ?? '127.0.0.1';
  const webPort = options.webPort ?? DEFAULT_WEB_PORT;
  if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535) {
    throw new OptionError(`--web-port: expected 0..65535, got ${webPort}`);
  }
  const autoquitSec = options.autoquit !== undefined ? parseDuration(options.autoquit, '--autoquit') : null;
  const defaults = defaultRunParams(options);
  // Catch bad settings (thresholds, tags, timeouts…) now rather than at the first Start; the host may
  // still come from the form.
  resolveRunPlan({ ...optionsForRun(options, defaults), host: options.host ?? 'http://127.0.0.1' }, scenario);

  const generated = !options.webAuth && !isLoopbackHost(webHost);
  const token = options.webAuth ?? (generated ? generateToken() : null);
  const log = streamLogger(io.stderr);
  const cluster = await clusterStarter(ctx, (message) => session.log('info', message));
  // One endpoint for the UI's whole life, fed by every run it starts (see PrometheusExporter on resets).
  const prometheus = await prometheusExporterFor(options, true);
  const session = new RunSession({
    launcher: createEngineLauncher({
      options,
      scenario,
      reporters: prometheus ? (runOptions) => [...ctx.reporters(runOptions), prometheus] : ctx.reporters,
      command: ctx.command,
      ...(prometheus ? { sampleSinks: [prometheus] } : {}),
      ...(cluster ? { start: cluster.start } : {}),
    }),
    defaults,
    log,
    cluster: cluster?.info ?? null,
  });
  const prometheusUrl = await prometheus?.listen();
  const server = await startWebServer({
    session,
    host: webHost,
    port: webPort,
    token,
    title: relative(io.cwd, scenario.path) || scenario.path,
    htmlReport: htmlReportBuilder,
  }).catch(async (error: unknown) => {
    await prometheus?.close();
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new OptionError(`--web-port ${webPort}: address already in use`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
      throw new OptionError(`--web-host ${webHost}: not an address of this machine`);
    }
    throw error;
  });
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolve) => {
    quit = resolve;
  });
  let autoquitTimer: NodeJS.Timeout | undefined;
  if (autoquitSec !== null) {
    session.onRunEnd(() => {
      clearTimeout(autoquitTimer);
      autoquitTimer = setTimeout(quit, autoquitSec * 1000);
    });
  }
  let signals = 0;
  const uninstall = onSignal(io, (signal) => {
    signals += 1;
    if (signals === 1) {
      const running = session.state === 'running';
      io.stderr.write(
        `\nvolley: ${signal}: ${running ? 'stopping, writing reports, ' : ''}quitting (again to quit at once)\n`,
      );
      if (running) session.stop();
      quit();
    } else {
      io.stderr.write(`volley: ${signal} again: quitting without reports\n`);
      process.exit(130);
    }
  });
  // Printed once Ctrl-C is handled: whoever reads the URL may interrupt at once.
  if (prometheusUrl) io.stderr.write(`volley: Prometheus metrics on ${prometheusUrl}\n`);
  // The token is printed once, here; it is never logged again.
  io.stderr.write(
    `volley: web UI on ${server.url}${generated && token ? `?token=${encodeURIComponent(token)}` : ''}\n`,
  );
  if (generated)
    io.stderr.write('volley: the web UI is reachable beyond this machine: keep the token secret\n');

  try {
    if (options.autostart) session.start(defaults);
    await quitting;
    // A run started just before the quit (or stopping now) ends and writes its reports first.
    if (session.state === 'running') session.stop();
    await session.whenIdle();
    return session.lastExitCode ?? 0;
  } finally {
    clearTimeout(autoquitTimer);
    uninstall();
    await server.close();
    await prometheus?.close();
  }
}

/** --processes N or --master: how the UI's runs start in workers (cluster code loaded only then). */
async function clusterStarter(
  ctx: WebModeContext,
  log: (message: string) => void,
): Promise<{ info: ClusterInfo; start: NonNullable<EngineLauncherOptions['start']> } | null> {
  const { options, io } = ctx;
  const processes = ctx.processes ?? 1;
  if (options.master) {
    const { startTcpCluster } = await import('../cluster/live-cluster.ts');
    const master = options.master;
    const expectWorkers = options.expectWorkers ?? 1;
    const info: ClusterInfo = { kind: 'master', workers: expectWorkers, master };
    return {
      info,
      start: (plan, runOptions) =>
        startTcpCluster(plan, runOptions, {
          master,
          expectWorkers,
          onListening: (address) => {
            // The page shows the address listened on (port 0 asks for any free port).
            info.master = address;
            log(`waiting for ${expectWorkers} worker(s): volley worker --master ${address}`);
          },
        }),
    };
  }
  if (processes > 1) {
    const { startLocalCluster } = await import('../cluster/live-cluster.ts');
    return {
      info: { kind: 'processes', workers: processes },
      start: (plan, runOptions) =>
        startLocalCluster(plan, runOptions, processes, { cwd: io.cwd, env: io.env }),
    };
  }
  return null;
}

/** The web UI's report download: the same HTML report as --html, fed the run's live snapshots. */
function htmlReportBuilder(): HtmlReportBuilder {
  const timeline = new RunTimeline();
  return {
    add: (snapshot) => timeline.add(snapshot),
    render: async (summary) => renderHtmlReport(summary, timeline.data(), await loadChartAssets()),
  };
}
