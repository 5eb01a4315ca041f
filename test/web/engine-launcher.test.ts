import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyProfile } from '../../src/engine/load-profiles.ts';
import { defaultRunParams, optionsForRun } from '../../src/web/engine-launcher.ts';

test("start form: a profile's users are the form's first value, so --profile load still ramps to 20", () => {
  const options = { profile: 'load' };
  const params = defaultRunParams(options);
  assert.equal(params.users, 20);
  const stages = applyProfile(optionsForRun(options, params)).stages;
  assert.equal(stages, applyProfile(options).stages);
  assert.equal(defaultRunParams({ profile: 'load', users: 5 }).users, 5);
  assert.equal(defaultRunParams({}).users, 1);
  assert.equal(defaultRunParams({ profile: 'nope' }).users, 1);
});
