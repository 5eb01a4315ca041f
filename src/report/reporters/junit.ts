import type {
  CapacitySummary,
  CheckSummary,
  EndpointSummary,
  RunSummary,
  ThresholdResult,
} from '../../metrics/summary.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { passPercent } from '../render/check-report.ts';
import { sortEndpoints } from '../render/sort-endpoints.ts';
import { escapeXml } from '../render/xml-escape.ts';
import type { Reporter } from '../reporter.ts';

export interface JunitReporterOptions {
  /** --junit FILE (placeholders already expanded). */
  file: string;
}

/** The run as JUnit XML for CI test tabs, written atomically when the run ends. */
export class JunitReporter implements Reporter {
  readonly name = 'junit';
  readonly #file: string;

  constructor(options: JunitReporterOptions) {
    this.#file = options.file;
  }

  async onEnd(summary: RunSummary): Promise<void> {
    await writeFileAtomic(this.#file, renderJunitReport(summary));
  }
}

interface TestCase {
  classname: string;
  name: string;
  /** Failure message and details; absent when the case passed. */
  failure?: { type: string; message: string; details: string };
  /** An exception thrown by a task (JUnit's <error>). */
  error?: { type: string; message: string; details: string };
}

/**
 * Five test suites, six for a multi-process run:
 * - thresholds: one case per threshold, failed when the threshold failed; a capacity search adds one
 *   case, failed when no step was sustained (its thresholds list is then empty, yet the run fails);
 * - checks: one case per named check and endpoint (classname "volley.checks.POST /users", name the
 *   check's), failed with its counts when it failed at least once;
 * - requests: one case per endpoint ("GET /students"), failed when any of its requests failed;
 * - failures: one case per distinct failure of an endpoint: the message of a failing check (its
 *   returned string, or "check failed"; named checks' messages name the check), "HTTP 500 Internal
 *   Server Error", a network error…;
 * - workers (multi-process runs): one case per worker, failed when it was lost before the end;
 * - exceptions: one errored case per distinct exception a task threw.
 * A check given as a plain function has no name: it is known by the message it fails with.
 */
export function renderJunitReport(summary: RunSummary): string {
  const suites: [string, TestCase[]][] = [
    [
      'thresholds',
      [
        ...(summary.capacity ? [capacityCase(summary.capacity)] : []),
        ...summary.thresholds.map(thresholdCase),
      ],
    ],
    ['checks', summary.checks.map(checkCase)],
    ['requests', sortEndpoints(summary.endpoints).map((e) => endpointCase(e, summary))],
    [
      'failures',
      summary.failures.map((f) => {
        const endpoint = f.method === '' ? f.name : `${f.method} ${f.name}`;
        return {
          classname: `volley.failures.${endpoint}`,
          name: f.error,
          failure: {
            type: 'failure',
            message: `${f.error} (${f.occurrences}×)`,
            details: `${endpoint}: ${f.error}\noccurrences: ${f.occurrences}`,
          },
        };
      }),
    ],
    ...workersSuite(summary),
    [
      'exceptions',
      summary.exceptions.map((x) => ({
        classname: 'volley.exceptions',
        name: x.message,
        error: { type: 'exception', message: `${x.message} (${x.count}×)`, details: x.stack },
      })),
    ],
  ];
  const meta = summary.meta;
  const time = seconds(meta.durationSec);
  const count = (cases: TestCase[], key: 'failure' | 'error') => cases.filter((c) => c[key]).length;
  const all = suites.flatMap(([, cases]) => cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`volley ${meta.scenario}`)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" time="${time}" timestamp="${escapeXml(meta.startedAt)}">`,
  ];
  for (const [name, cases] of suites) {
    lines.push(
      `  <testsuite name="${name}" tests="${cases.length}" failures="${count(cases, 'failure')}" errors="${count(cases, 'error')}" skipped="0" time="${time}" timestamp="${escapeXml(meta.startedAt)}" hostname="${escapeXml(meta.host)}">`,
    );
    if (name === 'thresholds') lines.push(...properties(summary));
    for (const c of cases) lines.push(...testCase(c));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Multi-process runs: a suite with one case per worker, failed for a worker lost before the end. */
function workersSuite(summary: RunSummary): [string, TestCase[]][] {
  if (!summary.workers) return [];
  const cases = summary.workers.map((w): TestCase => {
    const base: TestCase = { classname: 'volley.workers', name: `worker index ${w.index} (${w.host})` };
    if (w.state !== 'lost') return base;
    const reason = w.lossReason ?? 'lost';
    return {
      ...base,
      failure: {
        type: 'worker-lost',
        message: `lost before the end of the run: ${reason}`,
        details: `index: ${w.index}\nhost: ${w.host}\nrequests reported: ${w.requests}\nreason: ${reason}`,
      },
    };
  });
  return [['workers', cases]];
}

function thresholdCase(t: ThresholdResult): TestCase {
  const actual = t.actual === null ? 'no data' : String(t.actual);
  const base: TestCase = { classname: 'volley.thresholds', name: t.expression };
  if (t.passed) return base;
  return {
    ...base,
    failure: {
      type: 'threshold',
      message: `${t.expression}: actual ${actual}, target ${t.op} ${t.target}`,
      details: `metric: ${t.metric}\nscope: ${t.scope ?? 'Aggregated'}\nactual: ${actual}\ntarget: ${t.op} ${t.target}`,
    },
  };
}

function capacityCase(c: CapacitySummary): TestCase {
  const base: TestCase = {
    classname: 'volley.capacity',
    name: `capacity search: ${c.thresholds.join(', ')}`,
  };
  if (c.sustainableRate !== null) return base;
  const first = c.steps[0];
  return {
    ...base,
    failure: {
      type: 'capacity',
      message: `no step was sustained${c.breakingRate === null ? '' : ` (broke at ${c.breakingRate}/s)`}`,
      details: first ? `${first.rate}/s: ${first.broken.join('; ')}` : 'no step ran',
    },
  };
}

function checkCase(c: CheckSummary): TestCase {
  const endpoint = c.method === '' ? c.endpoint : `${c.method} ${c.endpoint}`;
  const base: TestCase = { classname: `volley.checks.${endpoint}`, name: c.name };
  if (c.fails === 0) return base;
  const runs = c.passes + c.fails;
  return {
    ...base,
    failure: {
      type: 'check',
      message: `${c.fails} of ${runs} failed (${passPercent(c)} passed)`,
      details: `${endpoint}: ${c.name}\npasses: ${c.passes}\nfails: ${c.fails}`,
    },
  };
}

function endpointCase(e: EndpointSummary, summary: RunSummary): TestCase {
  const base: TestCase = { classname: 'volley.requests', name: `${e.method} ${e.name}` };
  if (e.failures === 0) return base;
  const errors = summary.failures
    .filter((f) => f.method === e.method && f.name === e.name)
    .map((f) => `${f.occurrences}× ${f.error}`);
  return {
    ...base,
    failure: {
      type: 'failed requests',
      message: `${e.failures} of ${e.requests} requests failed`,
      details: errors.join('\n'),
    },
  };
}

function properties(summary: RunSummary): string[] {
  const m = summary.meta;
  const props: [string, string][] = [
    ['volley.version', m.volleyVersion],
    ['scenario', m.scenario],
    ['host', m.host],
    ['command', m.command],
    ['startedAt', m.startedAt],
    ['endedAt', m.endedAt],
    ['stopReason', m.stopReason],
    ['requests', String(summary.aggregated.requests)],
    ['failures', String(summary.aggregated.failures)],
  ];
  return [
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`),
    '    </properties>',
  ];
}

function testCase(c: TestCase): string[] {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
  const outcome = c.failure ?? c.error;
  if (!outcome) return [`${open}/>`];
  const tag = c.failure ? 'failure' : 'error';
  return [
    `${open}>`,
    `      <${tag} type="${escapeXml(outcome.type)}" message="${escapeXml(outcome.message)}">${escapeXml(outcome.details)}</${tag}>`,
    '    </testcase>',
  ];
}

/** JUnit times are seconds with a dot. */
function seconds(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '0';
}
