import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkCombinations, resolveSettings } from '../../src/cli/settings.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { OptionError } from '../../src/engine/option-error.ts';
import type { VolleyOptions } from '../../src/script/options.ts';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'volley-settings-'));
  writeFileSync(
    join(dir, 'volley.config.json'),
    JSON.stringify({
      scenario: 'scenario.ts',
      host: 'http://127.0.0.1:1',
      users: 1,
      runTime: '10s',
      seed: 1,
    }),
  );
  writeFileSync(
    join(dir, 'scenario.ts'),
    "import { user } from 'volley';\nexport const options = { users: 2, runTime: '20s', iterations: 3 };\nexport default user({ tasks: [async () => {}] });\n",
  );
  return dir;
}

test('settings layer config file < scenario options < env < flags; the scenario may come from the config', async () => {
  const dir = project();
  const { scenario, options } = await resolveSettings(
    {
      file: undefined,
      scenarioFromConfig: true,
      noFileMessage: 'none',
      configFile: undefined,
      flags: { users: 4 },
    },
    { cwd: dir, env: { VOLLEY_RUN_TIME: '30s' } },
  );
  assert.equal(scenario.path, join(dir, 'scenario.ts'));
  assert.deepEqual(options, { host: 'http://127.0.0.1:1', users: 4, runTime: '30s', seed: 1, iterations: 3 });
});

test('a command that takes no scenario from the config says what to give', async () => {
  await assert.rejects(
    resolveSettings(
      {
        file: undefined,
        scenarioFromConfig: false,
        noFileMessage: 'no scenario file: volley verify FILE [--host URL]',
        configFile: undefined,
        flags: {},
      },
      { cwd: project(), env: {} },
    ),
    new UsageError('no scenario file: volley verify FILE [--host URL]'),
  );
});

const ONE = { processes: 1, recording: false };
const TWO = { processes: 2, recording: false };

for (const [options, mode, message] of [
  [{ headless: true, master: '127.0.0.1:0' }, TWO, /--master .* cannot be combined with --processes/],
  [{ headless: true, expectWorkers: 2 }, ONE, /--expect-workers: only with --master/],
  [
    { headless: true, record: 'x.har' },
    { processes: 2, recording: true },
    /--record\/--replay run in one process/,
  ],
  [{ headless: true, findCapacity: true }, TWO, /capacity search steers one process/],
  [{ headless: true, profile: 'breakpoint' }, TWO, /capacity search steers one process/],
  [{ headless: true, shape: () => null }, TWO, /a load shape .* steers one process/],
] as [VolleyOptions, typeof ONE, RegExp][]) {
  test(`refuses ${JSON.stringify(options)} with ${mode.processes} process(es) as one line`, () => {
    assert.throws(
      () => checkCombinations(options, mode),
      (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

test('the web UI takes --processes and --master (it drives distributed runs)', () => {
  assert.doesNotThrow(() => checkCombinations({}, TWO));
  assert.doesNotThrow(() => checkCombinations({ master: '127.0.0.1:0', expectWorkers: 2 }, ONE));
});

test("the load model's own combinations are checked beside the run's", () => {
  for (const [options, message] of [
    [{ iterations: 2, arrivalRate: 10 }, /--iterations: only for the closed model/],
    [{ findCapacity: true, stages: '10s:5' }, /--find-capacity: cannot be combined with --stages/],
    [{ capacityStep: 5 }, /--capacity-step: only used by --find-capacity/],
    [{ arrivalRate: 5, stages: '10s:20' }, /--stages: with --arrival-rate, give stage targets as rates/],
  ] as [VolleyOptions, RegExp][]) {
    assert.throws(
      () => checkCombinations({ headless: true, ...options }, ONE),
      (error: Error) => {
        assert.ok(error instanceof OptionError, error.message);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test('a plain headless run in one process combines fine', () => {
  checkCombinations({ headless: true, users: 5, runTime: '10s' }, ONE);
  checkCombinations({ headless: true, arrivalRate: 5, processes: 2 }, TWO);
});
