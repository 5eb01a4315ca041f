import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboundResponse } from '../../../src/trace/interceptors/outbound-exchange.ts';
import { answerHandler, type Handler } from '../../../src/trace/interceptors/undici-replay.ts';
import type { Encoded } from '../../../src/trace/typed-json.ts';

const RESPONSE: OutboundResponse = {
  status: 201,
  statusText: 'Created',
  headers: [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'a=1'],
    ['Set-Cookie', 'b=2'],
  ],
  body: { text: '{"ok":true}' },
};
const recorded = { result: RESPONSE as unknown as Encoded };

describe('answering an undici handler from the recording', () => {
  it('drives a controller handler (undici 7–8): start, headers parsed and raw, body, end', () => {
    const events: unknown[] = [];
    const handler: Handler = {
      onRequestStart: () => events.push('start'),
      onResponseStart: (
        controller: { rawHeaders: Buffer[] },
        status: number,
        headers: object,
        text: string,
      ) => events.push([status, text, headers, controller.rawHeaders.map(String)]),
      onResponseData: (_controller: unknown, chunk: Buffer) => events.push(chunk.toString()),
      onResponseEnd: () => events.push('end'),
      onResponseError: (_controller: unknown, error: Error) => events.push(error),
    };
    answerHandler(handler, recorded);
    assert.deepEqual(events, [
      'start',
      [
        201,
        'Created',
        { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] },
        ['Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      ],
      '{"ok":true}',
      'end',
    ]);
  });

  it('waits for a paused controller handler to resume before it ends the response', () => {
    const events: string[] = [];
    let controller: { pause(): void; resume(): void } | undefined;
    const handler: Handler = {
      onResponseStart: (c: typeof controller) => {
        controller = c;
      },
      onResponseData: () => {
        events.push('data');
        controller?.pause();
      },
      onResponseEnd: () => events.push('end'),
    };
    answerHandler(handler, recorded);
    assert.deepEqual(events, ['data']);
    controller?.resume();
    assert.deepEqual(events, ['data', 'end']);
  });

  it('gives a controller handler that aborts at the start its own reason as the error', () => {
    const reason = new Error('aborted by the application');
    const errors: unknown[] = [];
    const handler: Handler = {
      onRequestStart: (controller: { abort(reason: unknown): void }) => controller.abort(reason),
      onResponseStart: () => assert.fail('no response after an abort'),
      onResponseError: (_controller: unknown, error: unknown) => errors.push(error),
    };
    answerHandler(handler, recorded);
    assert.deepEqual(errors, [reason]);
  });

  it('drives a legacy handler (undici 6): connect, raw headers, data, complete', () => {
    const events: unknown[] = [];
    const handler: Handler = {
      onConnect: () => events.push('connect'),
      onHeaders: (status: number, raw: Buffer[], _resume: () => void, text: string) =>
        events.push([status, text, raw.map(String)]),
      onData: (chunk: Buffer) => events.push(chunk.toString()),
      onComplete: (trailers: unknown[]) => events.push(['complete', trailers]),
      onError: (error: Error) => events.push(error),
    };
    answerHandler(handler, recorded);
    assert.deepEqual(events, [
      'connect',
      [201, 'Created', ['Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']],
      '{"ok":true}',
      ['complete', []],
    ]);
  });

  it('waits for a legacy handler that returned false to call resume', () => {
    const events: string[] = [];
    let resume: (() => void) | undefined;
    const handler: Handler = {
      onHeaders: (_status: number, _raw: unknown, r: () => void) => {
        resume = r;
        return false;
      },
      onData: () => {
        events.push('data');
      },
      onComplete: () => events.push('complete'),
    };
    answerHandler(handler, recorded);
    assert.deepEqual(events, []);
    resume?.();
    assert.deepEqual(events, ['data', 'complete']);
  });

  it('hands a recorded error to either protocol', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const seen: unknown[] = [];
    answerHandler(
      { onResponseError: (_c: unknown, e: unknown) => seen.push(e), onResponseStart: () => {} },
      { error },
    );
    answerHandler({ onError: (e: unknown) => seen.push(e) }, { error });
    assert.deepEqual(seen, [error, error]);
  });
});
