import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusFailure, statusLine } from '../../src/http/status.ts';

describe('a status line', () => {
  it('gives the standard reason phrase, or the bare status when there is none', () => {
    assert.equal(statusLine(404), 'HTTP 404 Not Found');
    assert.equal(statusLine(599), 'HTTP 599');
  });
});

describe('which statuses fail', () => {
  it('fails 400 and above without an expectation, passes everything below', () => {
    assert.equal(statusFailure(399, undefined), null);
    assert.equal(statusFailure(400, undefined), 'HTTP 400 Bad Request');
  });

  it('passes only the expected status, a listed one, or one the function accepts', () => {
    assert.equal(statusFailure(404, 404), null);
    assert.equal(statusFailure(200, 404), 'HTTP 200 OK (expected 404)');
    assert.equal(statusFailure(409, [200, 409]), null);
    assert.equal(statusFailure(500, [200, 409]), 'HTTP 500 Internal Server Error (expected 200, 409)');
    assert.equal(
      statusFailure(503, (s) => s < 500),
      'HTTP 503 Service Unavailable (not expected)',
    );
    assert.equal(
      statusFailure(404, (s) => s < 500),
      null,
    );
  });
});
