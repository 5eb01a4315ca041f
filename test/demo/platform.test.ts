import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { analysePhoto } from '../../src/demo/food-analysis.ts';
import { describeOnBackends } from './backends.ts';
import { type CallOptions, call, obj, type TestResponse, uniqueEmail } from './http.ts';

// The shipped .proto, loaded the way a client would (not through the server's loader).
const root = new protobuf.Root().loadSync(
  fileURLToPath(new URL('../../proto/platform.proto', import.meta.url)),
  {
    keepCase: true,
  },
);
const T = (name: string) => root.lookupType(`volley.demo.${name}`);
const PROTO = 'application/x-protobuf';
const TO_OBJECT = { longs: Number, defaults: true, arrays: true };

function encode(type: string, value: Record<string, unknown>): Uint8Array {
  const t = T(type);
  return t.encode(t.fromObject(value)).finish();
}

function decode(type: string, res: TestResponse): Record<string, unknown> {
  assert.equal(res.headers.get('content-type'), PROTO, `HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  const t = T(type);
  return t.toObject(t.decode(res.bytes), TO_OBJECT);
}

/** Photo bytes whose (deterministic) analysis is, or is not, an alcoholic drink. */
function photo(alcohol: boolean): Uint8Array {
  for (let i = 0; ; i++) {
    const bytes = new TextEncoder().encode(`fake image ${i}`);
    if (analysePhoto(bytes).is_alcohol === alcohol) return bytes;
  }
}

function ddmmyyyy(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}-${two(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

const PROTECTED: [string, string][] = [
  ['POST', '/eater_receive_photo'],
  ['POST', '/upload_photo'],
  ['GET', '/eater_get_today'],
  ['POST', '/get_food_custom_date'],
  ['POST', '/modify_food_record'],
  ['POST', '/manual_weight'],
  ['POST', '/get_recommendation'],
  ['POST', '/delete_food'],
  ['POST', '/set_language'],
  ['GET', '/alcohol_latest'],
  ['POST', '/alcohol_range'],
  ['POST', '/feedback'],
];

describeOnBackends('food platform (protobuf)', (server) => {
  const url = () => server().url;

  async function signIn(email = uniqueEmail('eater')): Promise<{ email: string; token: string }> {
    const res = await call(url(), 'POST', '/eater_auth', {
      json: {
        provider: 'google',
        idToken: 'test-token',
        email,
        name: 'Locust Tester',
        profilePictureURL: 'https://x/a.png',
      },
    });
    assert.equal(res.status, 200, res.text);
    return { email, token: String(obj(res).token) };
  }

  /** A protobuf request answered in protobuf, as the platform suite does it. */
  function proto(
    token: string,
    path: string,
    type: string,
    value: Record<string, unknown>,
    contentType = PROTO,
  ) {
    const options: CallOptions = {
      token,
      body: encode(type, value),
      headers: { 'content-type': contentType, accept: PROTO },
    };
    return call(url(), 'POST', path, options);
  }

  async function upload(token: string, alcohol = false): Promise<Record<string, unknown>> {
    const res = await proto(token, '/eater_receive_photo', 'PhotoMessage', {
      time: new Date().toISOString(),
      photo_data: photo(alcohol),
      photoType: 'default_prompt',
    });
    assert.equal(res.status, 200, res.text);
    const reply = decode('PhotoResponse', res);
    assert.equal(reply.success, true);
    return reply.dish as Record<string, unknown>;
  }

  async function today(token: string): Promise<Record<string, unknown>> {
    const res = await call(url(), 'GET', '/eater_get_today', { token, headers: { accept: PROTO } });
    assert.equal(res.status, 200);
    return decode('TodayFood', res);
  }

  test('POST /eater_auth signs in (JSON, as the suite sends it) and returns a bearer token', async () => {
    const email = uniqueEmail('eater');
    const res = await call(url(), 'POST', '/eater_auth', {
      json: { provider: 'google', idToken: 'abc', email: email.toUpperCase(), name: 'Locust Tester' },
    });
    assert.equal(res.status, 200);
    const body = obj(res);
    assert.equal(body.email, email);
    assert.equal(body.name, 'Locust Tester');
    assert.equal(body.expires_in, 3600);
    const me = await call(url(), 'GET', '/me', { token: String(body.token) });
    assert.equal(obj(me).provider, 'google');

    const again = await call(url(), 'POST', '/eater_auth', {
      json: { provider: 'google', idToken: 'x', email },
    });
    assert.equal(again.status, 200, 'a second sign-in reuses the account');
  });

  test('POST /eater_auth validates provider, idToken and email; takes protobuf too', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { provider: 'myspace', idToken: 'x', email: uniqueEmail() },
        'field "provider" must be one of google, apple, facebook, github',
      ],
      [{ provider: 'google', email: uniqueEmail() }, 'field "idToken" is required'],
      [{ provider: 'google', idToken: 'x', email: 'nope' }, 'field "email" must be an email address'],
    ];
    for (const [json, error] of cases) {
      const res = await call(url(), 'POST', '/eater_auth', { json });
      assert.deepEqual([res.status, res.body], [400, { error }]);
    }
    const res = await call(url(), 'POST', '/eater_auth', {
      body: encode('AuthRequest', { provider: 'apple', idToken: 't', email: uniqueEmail() }),
      headers: { 'content-type': PROTO },
    });
    assert.equal(res.status, 200);
    assert.match(String(decode('AuthResponse', res).token), /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('every platform endpoint but /eater_auth needs a bearer token', async () => {
    for (const [method, path] of PROTECTED) {
      const res = await call(url(), method, path);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(obj(res).error, 'missing bearer token (send Authorization: Bearer <token>)');
    }
    const bad = await call(url(), 'GET', '/eater_get_today', { token: 'a.b.c' });
    assert.equal(bad.status, 401);
  });

  test('full flow in protobuf: upload → modify 200% → weight → recommendation → today → delete', async () => {
    const { token, email } = await signIn();
    const started = performance.now();
    const dish = await upload(token);
    assert.ok(performance.now() - started >= 140, 'the photo endpoint simulates a slow analysis');
    assert.ok(Number(dish.time) > 0);
    assert.ok(Number(dish.estimated_avg_calories) > 0);

    const listed = await today(token);
    const dishes = listed.dishes_today as Record<string, unknown>[];
    assert.deepEqual(
      dishes.map((d) => d.time),
      [dish.time],
    );
    assert.equal(
      (listed.total_for_day as Record<string, unknown>).total_calories,
      dish.estimated_avg_calories,
    );

    // application/grpc+proto bodies are raw messages too, as the platform suite sends them.
    const grpc = 'application/grpc+proto';
    const modified = await proto(
      token,
      '/modify_food_record',
      'ModifyFoodRecordRequest',
      { time: dish.time, user_email: email, percentage: 200 },
      grpc,
    );
    assert.equal(modified.status, 200, modified.text);
    const doubled = decode('ModifyFoodRecordResponse', modified).dish as Record<string, unknown>;
    assert.equal(doubled.estimated_avg_calories, Number(dish.estimated_avg_calories) * 2);
    assert.equal(doubled.total_avg_weight, Number(dish.total_avg_weight) * 2);

    const weighed = await proto(
      token,
      '/manual_weight',
      'ManualWeightRequest',
      { user_email: email, weight: 72.5 },
      grpc,
    );
    assert.equal(decode('OperationResponse', weighed).success, true);

    const rec = await proto(token, '/get_recommendation', 'RecommendationRequest', { days: 1 });
    const advice = decode('RecommendationResponse', rec);
    assert.equal(advice.days, 1);
    assert.equal(advice.avg_daily_calories, doubled.estimated_avg_calories);
    assert.equal(advice.person_weight, 72.5);
    assert.ok(String(advice.recommendation).length > 0);

    const after = await today(token);
    assert.equal(after.person_weight, 72.5);
    assert.equal(
      (after.dishes_today as Record<string, unknown>[])[0]?.estimated_avg_calories,
      doubled.estimated_avg_calories,
    );

    const deleted = await proto(token, '/delete_food', 'DeleteFoodRequest', { time: dish.time }, grpc);
    assert.equal(decode('OperationResponse', deleted).success, true);
    assert.deepEqual((await today(token)).dishes_today, []);
    const again = await proto(token, '/delete_food', 'DeleteFoodRequest', { time: dish.time });
    assert.deepEqual([again.status, again.body], [404, { error: `no food record with time ${dish.time}` }]);
  });

  test('replies are JSON unless Accept asks for protobuf (or the request itself was protobuf)', async () => {
    const { token } = await signIn();
    const jsonUpload = await call(url(), 'POST', '/eater_receive_photo', {
      token,
      json: { photo_data: Buffer.from(photo(false)).toString('base64'), photoType: 'default_prompt' },
    });
    assert.equal(jsonUpload.status, 200, jsonUpload.text);
    assert.equal(obj(jsonUpload).success, true);

    const plain = await call(url(), 'GET', '/eater_get_today', { token });
    assert.equal(plain.headers.get('content-type'), 'application/json');
    assert.equal((obj(plain).dishes_today as unknown[]).length, 1);

    const body = encode('RecommendationRequest', { days: 2 });
    const mirrored = await call(url(), 'POST', '/get_recommendation', {
      token,
      body,
      headers: { 'content-type': PROTO },
    });
    assert.equal(decode('RecommendationResponse', mirrored).days, 2);
    const asJson = await call(url(), 'POST', '/get_recommendation', {
      token,
      body,
      headers: { 'content-type': PROTO, accept: 'application/json' },
    });
    assert.equal(obj(asJson).days, 2);
  });

  test('POST /get_food_custom_date reads one day (DD-MM-YYYY) and rejects bad dates', async () => {
    const { token } = await signIn();
    const dish = await upload(token);
    const on = async (date: string) =>
      proto(token, '/get_food_custom_date', 'CustomDateFoodRequest', { date });
    const todays = decode('TodayFood', await on(ddmmyyyy()));
    assert.deepEqual(
      (todays.dishes_today as Record<string, unknown>[]).map((d) => d.time),
      [dish.time],
    );
    assert.deepEqual(decode('TodayFood', await on(ddmmyyyy(-1))).dishes_today, []);
    for (const bad of ['31-02-2024', '2024/01/15', 'yesterday']) {
      const res = await on(bad);
      assert.deepEqual(
        [res.status, res.body],
        [400, { error: 'field "date" must be a date as DD-MM-YYYY (or YYYY-MM-DD)' }],
      );
    }
    const missing = await on('');
    assert.deepEqual(missing.body, { error: 'field "date" is required' });
  });

  test("alcohol: today's drinks and a date range", async () => {
    const { token } = await signIn();
    await upload(token, true);
    await upload(token, false);
    const latest = decode(
      'AlcoholLatestResponse',
      await call(url(), 'GET', '/alcohol_latest', { token, headers: { accept: PROTO } }),
    ).today as Record<string, unknown>;
    assert.equal(latest.total_drinks, 1);
    assert.ok(Number(latest.total_calories) > 0);

    const range = async (start_date: string, end_date: string) =>
      proto(token, '/alcohol_range', 'GetAlcoholRangeRequest', { start_date, end_date });
    const week = decode('AlcoholRangeResponse', await range(ddmmyyyy(-7), ddmmyyyy()));
    assert.equal(week.total_drinks, 1);
    assert.equal((week.days as unknown[]).length, 1);
    const before = decode('AlcoholRangeResponse', await range(ddmmyyyy(-7), ddmmyyyy(-1)));
    assert.equal(before.total_drinks, 0);

    const reversed = await range(ddmmyyyy(), ddmmyyyy(-7));
    assert.deepEqual(
      [reversed.status, reversed.body],
      [400, { error: 'field "start_date" must not be after "end_date"' }],
    );
    const tooLong = await range('01-01-2020', '01-01-2024');
    assert.equal(tooLong.status, 400);
  });

  test('set_language and feedback check their fields and that user_email is the signed-in account', async () => {
    const { token, email } = await signIn();
    const set = await proto(token, '/set_language', 'SetLanguageRequest', {
      user_email: email,
      language_code: 'pt-BR',
    });
    assert.equal(decode('OperationResponse', set).success, true);
    assert.equal(obj(await call(url(), 'GET', '/me', { token })).language, 'pt-BR');

    const bad = await proto(token, '/set_language', 'SetLanguageRequest', { language_code: 'english!' });
    assert.equal(bad.status, 400);
    const other = await proto(token, '/set_language', 'SetLanguageRequest', {
      user_email: 'someone@else.io',
      language_code: 'en',
    });
    assert.deepEqual(
      [other.status, other.body],
      [403, { error: 'field "user_email" does not match the signed-in account' }],
    );

    const fb = await proto(token, '/feedback', 'FeedbackRequest', {
      time: new Date().toISOString(),
      userEmail: email,
      feedback: 'Load test feedback message',
    });
    assert.equal(decode('OperationResponse', fb).success, true);
    const empty = await proto(token, '/feedback', 'FeedbackRequest', { userEmail: email });
    assert.deepEqual([empty.status, empty.body], [400, { error: 'field "feedback" is required' }]);
    const foreign = await proto(token, '/feedback', 'FeedbackRequest', {
      userEmail: 'x@y.io',
      feedback: 'hi',
    });
    assert.equal(foreign.status, 403);
  });

  test("records belong to the token's account", async () => {
    const alice = await signIn();
    const bob = await signIn();
    const dish = await upload(alice.token);
    assert.deepEqual((await today(bob.token)).dishes_today, []);
    const steal = await proto(bob.token, '/delete_food', 'DeleteFoodRequest', { time: dish.time });
    assert.equal(steal.status, 404);
    const scale = await proto(bob.token, '/modify_food_record', 'ModifyFoodRecordRequest', {
      time: dish.time,
      percentage: 50,
    });
    assert.equal(scale.status, 404);
    assert.equal(((await today(alice.token)).dishes_today as unknown[]).length, 1);
  });

  test('malformed bodies: bad protobuf, wrong JSON types, missing fields, unsupported type, out of range', async () => {
    const { token } = await signIn();
    const broken = await call(url(), 'POST', '/eater_receive_photo', {
      token,
      body: new Uint8Array([0x12, 0xff, 0x01]),
      headers: { 'content-type': PROTO },
    });
    assert.deepEqual(
      [broken.status, broken.body],
      [400, { error: 'body is not a valid PhotoMessage protobuf message' }],
    );

    const wrongType = await call(url(), 'POST', '/modify_food_record', {
      token,
      json: { time: 1, percentage: 'lots' },
    });
    assert.deepEqual(
      [wrongType.status, wrongType.body],
      [400, { error: 'invalid ModifyFoodRecordRequest: percentage: integer expected' }],
    );

    const noPhoto = await proto(token, '/eater_receive_photo', 'PhotoMessage', {
      photoType: 'default_prompt',
    });
    assert.deepEqual([noPhoto.status, noPhoto.body], [400, { error: 'field "photo_data" is required' }]);
    const noTime = await proto(token, '/delete_food', 'DeleteFoodRequest', {});
    assert.deepEqual(noTime.body, { error: 'field "time" is required' });
    const zero = await proto(token, '/modify_food_record', 'ModifyFoodRecordRequest', {
      time: 5,
      percentage: 0,
    });
    assert.deepEqual(zero.body, { error: 'field "percentage" must be a number from 1 to 1000' });
    const heavy = await proto(token, '/manual_weight', 'ManualWeightRequest', { weight: 900 });
    assert.deepEqual(heavy.body, { error: 'field "weight" must be a number from 0 to 500' });
    const days = await proto(token, '/get_recommendation', 'RecommendationRequest', { days: 31 });
    assert.deepEqual(days.body, { error: 'field "days" must be a number from 1 to 30' });

    const text = await call(url(), 'POST', '/feedback', {
      token,
      body: 'hi',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    assert.match(String(obj(text).error), /send application\/x-protobuf/);
  });

  test('POST /upload_photo takes the photo as a multipart file, checks it is the image it claims, answers its hash', async () => {
    const { token } = await signIn();
    const jpeg = readFileSync(fileURLToPath(new URL('../../examples/platform/photo.jpg', import.meta.url)));
    const send = (form: FormData | string, contentType?: string) =>
      fetch(`${url()}/upload_photo`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        body: form,
      });
    const form = (file: Blob | null, name = 'meal.jpg') => {
      const f = new FormData();
      if (file) f.set('photo', file, name);
      f.set('photoType', 'dinner');
      return f;
    };

    const ok = await send(form(new Blob([jpeg], { type: 'image/jpeg' })));
    assert.equal(ok.status, 200);
    const reply = (await ok.json()) as Record<string, unknown>;
    assert.equal(reply.sha256, createHash('sha256').update(jpeg).digest('hex'));
    assert.equal(reply.bytes, jpeg.length);
    assert.equal(reply.filename, 'meal.jpg');
    assert.equal(reply.content_type, 'image/jpeg');
    assert.equal(reply.photo_type, 'dinner');
    assert.equal(reply.dish_name, analysePhoto(jpeg).dish_name);

    const refusals: [Promise<Response>, number, RegExp][] = [
      [send(form(null)), 400, /file field "photo" is required/],
      [send(form(new Blob([], { type: 'image/jpeg' }))), 400, /is empty/],
      [
        send(form(new Blob(['not an image'], { type: 'text/plain' }))),
        400,
        /must be image\/jpeg or image\/png/,
      ],
      [
        send(form(new Blob(['not a jpeg'], { type: 'image/jpeg' }))),
        400,
        /labelled image\/jpeg but its bytes are not one/,
      ],
      [send('{"photo":"x"}', 'application/json'), 415, /multipart\/form-data/],
      [send('--x\r\nbroken', 'multipart/form-data; boundary=x'), 400, /invalid multipart/],
    ];
    for (const [response, status, message] of refusals) {
      const res = await response;
      const body = await res.text();
      assert.equal(res.status, status, body);
      assert.match(String((JSON.parse(body) as { error?: unknown }).error), message);
    }
  });
});
