import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../../src/engine/rng.ts';
import { createTaskPicker, selectTasks } from '../../src/engine/task-picker.ts';
import { task, user } from '../../src/script/user.ts';

const cls = user({
  tasks: [
    task({ name: 'list', weight: 3, tags: ['read'] }, () => {}),
    task({ name: 'get', tags: ['read', 'slow'] }, () => {}),
    task({ name: 'create', tags: ['write'] }, () => {}),
    function health() {},
  ],
});

const names = (tasks: { name: string }[]) => tasks.map((t) => t.name);

test('tags select tasks with any listed tag; untagged tasks only run without -T', () => {
  assert.deepEqual(names(selectTasks(cls, null, null)), ['list', 'get', 'create', 'health']);
  assert.deepEqual(names(selectTasks(cls, ['read'], null)), ['list', 'get']);
  assert.deepEqual(names(selectTasks(cls, ['write', 'slow'], null)), ['get', 'create']);
  assert.deepEqual(names(selectTasks(cls, null, ['slow'])), ['list', 'create', 'health']);
  assert.deepEqual(names(selectTasks(cls, ['read'], ['slow'])), ['list']);
  assert.deepEqual(names(selectTasks(cls, ['nope'], null)), []);
});

test('weighted choice follows the weights and reproduces with the same seed', () => {
  const picker = createTaskPicker(selectTasks(cls, null, null), false)();
  const run = (seed: number) => {
    const random = createRandom(seed);
    return Array.from({ length: 6000 }, () => picker.next(random).name);
  };
  const a = run(42);
  assert.deepEqual(run(42), a);
  assert.notDeepEqual(run(43), a);
  const count = (n: string) => a.filter((x) => x === n).length;
  // weights 3:1:1:1 over 6000 picks → 3000:1000:1000:1000, within 5%.
  assert.ok(Math.abs(count('list') - 3000) < 150, `list ${count('list')}`);
  for (const n of ['get', 'create', 'health']) assert.ok(Math.abs(count(n) - 1000) < 100, `${n} ${count(n)}`);
});

test('sequential users walk the tasks in order, each from the start', () => {
  const make = createTaskPicker(selectTasks(cls, null, null), true);
  const random = createRandom(1);
  const p1 = make();
  const p2 = make();
  assert.deepEqual(
    Array.from({ length: 5 }, () => p1.next(random).name),
    ['list', 'get', 'create', 'health', 'list'],
  );
  assert.equal(p2.next(random).name, 'list');
});
