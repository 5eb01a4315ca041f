import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dispatcher } from 'undici';
import type { HarEntry, HarResponse } from '../../src/record/har.ts';
import { failReplay, ReplayError, responseBody, serveRecorded } from '../../src/record/replayer.ts';

/** A recorded entry with just the response the replayer reads. */
function entry(
  response: Partial<HarResponse>,
  content: HarResponse['content'] = { size: 0, mimeType: '' },
): HarEntry {
  return {
    response: { status: 200, statusText: 'OK', headers: [], content, ...response },
  } as unknown as HarEntry;
}

/** A dispatch handler that writes down what it was called with; `onStart` may act on the controller. */
function recorder(onStart: (controller: Dispatcher.DispatchController) => void = () => {}) {
  const calls: unknown[][] = [];
  let controller: Dispatcher.DispatchController | null = null;
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart: (c) => {
      controller = c;
      calls.push(['start']);
      onStart(c);
    },
    onResponseStart: (_c, status, headers, statusText) =>
      void calls.push(['response', status, headers, statusText]),
    onResponseData: (_c, chunk) => void calls.push(['data', Buffer.from(chunk).toString()]),
    onResponseEnd: () => void calls.push(['end']),
    onResponseError: (_c, error) => void calls.push(['error', error.name, error.message]),
  };
  return { calls, handler, controller: () => controller };
}

test('a recorded response is served through the same callbacks as a real one, its length the body’s', () => {
  const { calls, handler } = recorder();
  serveRecorded(
    entry(
      {
        status: 201,
        statusText: 'Created',
        headers: [
          { name: 'Content-Type', value: 'text/plain' },
          { name: 'Content-Length', value: '999' },
        ],
      },
      { size: 5, mimeType: 'text/plain', text: 'hello' },
    ),
    handler,
  );
  assert.deepEqual(calls, [
    ['start'],
    ['response', 201, { 'content-type': 'text/plain', 'content-length': '5' }, 'Created'],
    ['data', 'hello'],
    ['end'],
  ]);
});

test('a response without a body or a content length sends no data and adds no length', () => {
  const { calls, handler } = recorder();
  serveRecorded(entry({ status: 204, statusText: 'No Content' }), handler);
  assert.deepEqual(calls, [['start'], ['response', 204, {}, 'No Content'], ['end']]);
});

test('a recorded network error (status 0) fails the request with the recorded message', () => {
  const { calls, handler } = recorder();
  serveRecorded(entry({ status: 0, _error: 'connect ECONNREFUSED' }), handler);
  assert.deepEqual(calls, [['start'], ['error', 'ReplayError', 'connect ECONNREFUSED']]);
  const unnamed = recorder();
  serveRecorded(entry({ status: 0 }), unnamed.handler);
  assert.deepEqual(unnamed.calls, [['start'], ['error', 'ReplayError', 'no response (recorded)']]);
});

test('a request aborted as it starts gets the abort reason, or "aborted", and no response', () => {
  const { calls, handler } = recorder((c) => c.abort(new Error('cancelled by the test')));
  serveRecorded(entry({}, { size: 1, mimeType: 'text/plain', text: 'x' }), handler);
  assert.deepEqual(calls, [['start'], ['error', 'Error', 'cancelled by the test']]);
  const withoutReason = recorder((c) => c.abort(null as unknown as Error));
  serveRecorded(entry({}), withoutReason.handler);
  assert.deepEqual(withoutReason.calls, [['start'], ['error', 'ReplayError', 'aborted']]);
});

test('a request aborted when the response starts gets no body and ends in the abort error', () => {
  const calls: unknown[][] = [];
  const handler: Dispatcher.DispatchHandler = {
    onResponseStart: (c) => {
      calls.push(['response']);
      c.abort(new Error('too big'));
    },
    onResponseData: () => void calls.push(['data']),
    onResponseEnd: () => void calls.push(['end']),
    onResponseError: (_c, error) => void calls.push(['error', error.message]),
  };
  serveRecorded(entry({}, { size: 1, mimeType: 'text/plain', text: 'x' }), handler);
  assert.deepEqual(calls, [['response'], ['error', 'too big']]);
  const noReason: unknown[][] = [];
  serveRecorded(entry({}), {
    onResponseStart: (c) => c.abort(null as unknown as Error),
    onResponseError: (_c, error) => void noReason.push([error.name, error.message]),
  });
  assert.deepEqual(noReason, [['ReplayError', 'aborted']]);
});

test('the controller handed to a replayed request pauses and resumes', () => {
  const { handler, controller } = recorder();
  serveRecorded(entry({}), handler);
  const c = controller()!;
  assert.equal(c.paused, false);
  c.pause();
  assert.equal(c.paused, true);
  c.resume();
  assert.equal(c.paused, false);
  assert.equal(c.aborted, false);
  assert.equal(c.reason, null);
});

test('a replay failure has no response, only a ReplayError with the message', () => {
  const { calls, handler } = recorder();
  failReplay(handler, 'diverged');
  assert.deepEqual(calls, [['start'], ['error', 'ReplayError', 'diverged']]);
  assert.equal(new ReplayError('x').name, 'ReplayError');
});

test('a recorded body is read as UTF-8 text or base64 bytes; none is empty', () => {
  assert.deepEqual(responseBody(entry({}, { size: 2, mimeType: 'x', text: 'é' })), Buffer.from('é'));
  assert.deepEqual(
    responseBody(
      entry(
        {},
        { size: 2, mimeType: 'x', text: Buffer.from([0, 255]).toString('base64'), encoding: 'base64' },
      ),
    ),
    Buffer.from([0, 255]),
  );
  assert.equal(responseBody(entry({})).byteLength, 0);
});

test('a handler may leave out any callback', () => {
  const body = entry(
    { headers: [{ name: 'Content-Length', value: '1' }] },
    { size: 1, mimeType: 'x', text: 'x' },
  );
  assert.doesNotThrow(() => serveRecorded(body, {}));
  assert.doesNotThrow(() => serveRecorded(entry({ status: 0 }), {}));
  assert.doesNotThrow(() => serveRecorded(body, { onRequestStart: (c) => c.abort(new Error('at start')) }));
  assert.doesNotThrow(() =>
    serveRecorded(body, { onResponseStart: (c) => c.abort(new Error('at response')) }),
  );
  assert.doesNotThrow(() => failReplay({}, 'diverged'));
});
