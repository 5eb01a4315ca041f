import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { coerceOption, readEnvOptions, validateOptionsObject } from '../../src/cli/config.ts';
import { RUN_OPTIONS } from '../../src/cli/option-spec.ts';
import { parseProcessCount } from '../../src/cluster/processes-option.ts';
import { OptionError } from '../../src/engine/option-error.ts';

const spec = RUN_OPTIONS.find((s) => s.key === 'processes')!;

test('--processes takes a whole number or auto, from flags, VOLLEY_PROCESSES and config files', () => {
  assert.equal(coerceOption(spec, '4', '--processes'), 4);
  assert.equal(coerceOption(spec, 'AUTO', '--processes'), 'auto');
  assert.throws(
    () => coerceOption(spec, '1.5', '--processes'),
    /--processes: expected a whole number or "auto"/,
  );
  assert.deepEqual(readEnvOptions({ VOLLEY_PROCESSES: 'auto' }), { processes: 'auto' });
  assert.deepEqual(validateOptionsObject({ processes: 2 }, 'volley.config.json', true), { processes: 2 });
  assert.deepEqual(validateOptionsObject({ processes: 'auto' }, 'volley.config.json', true), {
    processes: 'auto',
  });
  assert.throws(() => validateOptionsObject({ processes: 'two' }, 'volley.config.json', true), OptionError);
});

test('auto is one per core; 1 (the default) runs in this process; 0 is refused', () => {
  assert.equal(parseProcessCount(undefined), 1);
  assert.equal(parseProcessCount(3), 3);
  assert.equal(parseProcessCount('auto'), availableParallelism());
  assert.throws(() => parseProcessCount(0), /--processes: expected a whole number ≥ 1 or "auto", got 0/);
});
