/**
 * The food platform's Locust service (locustfile.py with ChaterUser) as a volley scenario: Protocol Buffers
 * bodies, a bearer JWT, one tag per scenario of the suite, and any response slower than 2 s counted as a
 * failure.
 *
 * Environment (VOLLEY_HOST, VOLLEY_USERS, … are read by volley itself):
 *   PLATFORM_TOKEN  a bearer token to use instead of signing in (the suite's TEST_USER_TOKEN)
 *   PLATFORM_EMAIL  that token's email, sent in user_email fields (TEST_USER_EMAIL; optional)
 *   PLATFORM_PHOTO  the photo to upload (TEST_PHOTO_PATH); default: photo.jpg next to this file
 *   PLATFORM_AUTH   how users sign in without a token: "oauth" (POST /eater_auth, default) or "password"
 *                   (register + /client_login)
 *
 *   npx volley run examples/platform/scenario.ts --headless -H http://127.0.0.1:5000 -u 10 -r 2 -t 5m -T full_flow
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  loadProto,
  PROTOBUF,
  type ProtoType,
  type RequestOptions,
  task,
  unique,
  user,
  type VirtualUser,
  type VolleyResponse,
} from 'volley';
import { thinkTime } from '../think-time.ts';

const config = {
  token: process.env.PLATFORM_TOKEN ?? '',
  email: process.env.PLATFORM_EMAIL ?? '',
  photoPath: process.env.PLATFORM_PHOTO || fileURLToPath(new URL('./photo.jpg', import.meta.url)),
  auth: process.env.PLATFORM_AUTH || 'oauth',
  // The suite's TEST_* defaults.
  photoType: 'default_prompt',
  customDate: '15-01-2024',
  recommendationDays: 1,
  alcoholStart: '01-01-2024',
  alcoholEnd: '07-01-2024',
  feedback: 'Load test feedback message',
  languages: ['en', 'pt-BR', 'es', 'de'],
};
if (config.auth !== 'oauth' && config.auth !== 'password') {
  throw new Error(`PLATFORM_AUTH must be "oauth" or "password", got "${config.auth}"`);
}

/** Read once, when the scenario loads: a missing photo stops the run before it starts. */
const PHOTO = readFileSync(config.photoPath);
/** What the server must report for the photo it received: the same bytes, not a truncated or re-encoded upload. */
const PHOTO_SHA256 = createHash('sha256').update(PHOTO).digest('hex');

// Field names are those of the .proto file (snake_case here), as the platform suite writes them.
const api = loadProto(fileURLToPath(new URL('../../proto/platform.proto', import.meta.url)));
const PhotoMessage = api.type('volley.demo.PhotoMessage');
const PhotoResponse = api.type('volley.demo.PhotoResponse');
const ModifyFoodRecordRequest = api.type('volley.demo.ModifyFoodRecordRequest');
const ModifyFoodRecordResponse = api.type('volley.demo.ModifyFoodRecordResponse');
const ManualWeightRequest = api.type('volley.demo.ManualWeightRequest');
const RecommendationRequest = api.type('volley.demo.RecommendationRequest');
const RecommendationResponse = api.type('volley.demo.RecommendationResponse');
const TodayFood = api.type('volley.demo.TodayFood');
const DeleteFoodRequest = api.type('volley.demo.DeleteFoodRequest');
const CustomDateFoodRequest = api.type('volley.demo.CustomDateFoodRequest');
const SetLanguageRequest = api.type('volley.demo.SetLanguageRequest');
const AlcoholLatestResponse = api.type('volley.demo.AlcoholLatestResponse');
const GetAlcoholRangeRequest = api.type('volley.demo.GetAlcoholRangeRequest');
const AlcoholRangeResponse = api.type('volley.demo.AlcoholRangeResponse');
const FeedbackRequest = api.type('volley.demo.FeedbackRequest');
const OperationResponse = api.type('volley.demo.OperationResponse');

interface Dish {
  /** int64: decoded as a string. */
  time: string;
  dish_name: string;
  estimated_avg_calories: number;
}

interface Platform {
  /** Email of the signed-in account ('' when only a PLATFORM_TOKEN without PLATFORM_EMAIL is known). */
  email: string;
}

/** The suite's custom metric: `if response.elapsed.total_seconds() > 2.0: response.failure(...)`. */
function slowerThan2s(res: VolleyResponse): string | undefined {
  return res.timings.total > 2000 ? 'slower than 2 s' : undefined;
}

/** Decodes a protobuf reply as `T`. */
function decode<T>(type: ProtoType, res: VolleyResponse): T {
  return type.decode(res.bytes()) as T;
}

/**
 * Options for a protobuf exchange: `body` (omit for a GET) sent as protobuf, a protobuf reply asked for,
 * failed when slower than 2 s or when `reply` (given the decoded reply) returns a message.
 */
function protobuf<T>(
  body: Uint8Array | null,
  replyType: ProtoType,
  reply: (decoded: T) => true | string = () => true,
): RequestOptions {
  return {
    ...(body ? { body } : {}),
    headers: body ? { 'content-type': PROTOBUF, accept: PROTOBUF } : { accept: PROTOBUF },
    check: (res) => slowerThan2s(res) ?? reply(decode<T>(replyType, res)),
  };
}

const succeeded = (m: { success: boolean; message?: string }) => m.success || `success: false (${m.message})`;

/** Signs a user in, per PLATFORM_AUTH, and makes the token the default bearer of its requests. */
async function signIn(vu: VirtualUser<Platform>, email: string): Promise<void> {
  let token = '';
  if (config.auth === 'oauth') {
    // JSON, as the suite sends it; the reply comes back as JSON too.
    const res = await vu.http.post('/eater_auth', {
      json: {
        provider: 'google',
        idToken: 'test-token',
        email,
        name: 'Locust Tester',
        profilePictureURL: 'https://example.com/avatar.png',
      },
      check: (r) => slowerThan2s(r),
    });
    if (res.ok) token = res.json<{ token: string }>().token;
  } else {
    const password = `Passw0rd-${vu.id}`;
    await vu.http.post('/client_registeration', {
      form: { fullName: 'Locust Tester', userName: email.split('@')[0] ?? email, email, password },
      expect: [200, 409],
      check: (r) => slowerThan2s(r),
    });
    const res = await vu.http.post('/client_login', {
      form: { email, password },
      check: (r) => slowerThan2s(r),
    });
    if (res.ok) token = res.json<{ token: string }>().token;
  }
  if (!token) vu.stop(`could not sign in as ${email}`);
  vu.state.email = email;
  vu.http.bearer(token);
}

export default user<Platform>({
  name: 'eater',
  wait: thinkTime(1, 3),
  state: () => ({ email: config.email }),
  async onStart(vu) {
    if (config.token) vu.http.bearer(config.token);
    else await signIn(vu, unique.email('eater', 'platform.volley.test'));
  },
  tasks: [
    task({ name: 'full_flow', tags: ['full_flow'] }, async (vu) => {
      // 1. Photo upload: the analysis answers with the dish, identified by its time.
      const upload = await vu.http.post(
        '/eater_receive_photo',
        protobuf(
          PhotoMessage.encode({
            time: new Date().toISOString(),
            photo_data: PHOTO,
            photoType: config.photoType,
          }),
          PhotoResponse,
          (r: { success: boolean; dish: Dish | null }) => (r.success && r.dish !== null) || 'no dish',
        ),
      );
      if (!upload.ok) vu.endTask('photo upload failed');
      const dish = decode<{ dish: Dish }>(PhotoResponse, upload).dish;

      // 2. Double the portion.
      await vu.http.post(
        '/modify_food_record',
        protobuf(
          ModifyFoodRecordRequest.encode({ time: dish.time, user_email: vu.state.email, percentage: 200 }),
          ModifyFoodRecordResponse,
          (r: { success: boolean; dish: Dish | null }) =>
            (r.success && r.dish?.time === dish.time) || 'dish not modified',
        ),
      );

      // 3. A manual weight entry.
      await vu.http.post(
        '/manual_weight',
        protobuf(
          ManualWeightRequest.encode({
            user_email: vu.state.email,
            weight: 60 + Math.round(vu.random() * 300) / 10,
          }),
          OperationResponse,
          succeeded,
        ),
      );

      // 4. Recommendations.
      await vu.http.post(
        '/get_recommendation',
        protobuf(
          RecommendationRequest.encode({ days: config.recommendationDays }),
          RecommendationResponse,
          (r: { recommendation: string }) => r.recommendation.length > 0 || 'empty recommendation',
        ),
      );

      // 5. Today's food, which must list the new dish (unless the UTC day turned in between).
      await vu.http.get(
        '/eater_get_today',
        protobuf(
          null,
          TodayFood,
          (r: { date: string; dishes_today: Dish[] }) =>
            r.date !== new Date(Number(dish.time)).toISOString().slice(0, 10) ||
            r.dishes_today.some((d) => d.time === dish.time) ||
            'the uploaded dish is not in today',
        ),
      );

      // 6. Clean up.
      await vu.http.post(
        '/delete_food',
        protobuf(DeleteFoodRequest.encode({ time: dish.time }), OperationResponse, succeeded),
      );
    }),

    task({ name: 'custom_date', tags: ['custom_date'] }, async (vu) => {
      await vu.http.post(
        '/get_food_custom_date',
        protobuf(
          CustomDateFoodRequest.encode({ date: config.customDate }),
          TodayFood,
          (r: { date: string }) => r.date.length > 0 || 'no date',
        ),
      );
    }),

    task({ name: 'language', tags: ['language'] }, async (vu) => {
      const code = config.languages[Math.floor(vu.random() * config.languages.length)] ?? 'en';
      await vu.http.post(
        '/set_language',
        protobuf(
          SetLanguageRequest.encode({ user_email: vu.state.email, language_code: code }),
          OperationResponse,
          succeeded,
        ),
      );
    }),

    task({ name: 'alcohol_latest', tags: ['alcohol'] }, async (vu) => {
      await vu.http.get(
        '/alcohol_latest',
        protobuf(
          null,
          AlcoholLatestResponse,
          (r: { today: { date: string } | null }) => !!r.today || 'no today',
        ),
      );
    }),

    task({ name: 'alcohol_range', tags: ['alcohol'] }, async (vu) => {
      await vu.http.post(
        '/alcohol_range',
        protobuf(
          GetAlcoholRangeRequest.encode({ start_date: config.alcoholStart, end_date: config.alcoholEnd }),
          AlcoholRangeResponse,
          (r: { total_drinks: number }) => r.total_drinks >= 0 || 'negative drinks',
        ),
      );
    }),

    task({ name: 'photo_upload', tags: ['photo_upload'] }, async (vu) => {
      // The app's picture upload: multipart/form-data with the photo as a file part (content type from
      // its extension) and a text field; the server checks it is the image it claims to be.
      await vu.http.post('/upload_photo', {
        fields: { photoType: config.photoType },
        files: { photo: config.photoPath },
        check: {
          'same bytes received': (r) =>
            r.json<{ sha256: string }>().sha256 === PHOTO_SHA256 || 'the server got other bytes',
          'under 2 s': (r) => slowerThan2s(r) ?? true,
        },
      });
    }),

    task({ name: 'feedback', tags: ['feedback'] }, async (vu) => {
      await vu.http.post(
        '/feedback',
        protobuf(
          FeedbackRequest.encode({
            time: new Date().toISOString(),
            userEmail: vu.state.email,
            feedback: config.feedback,
          }),
          OperationResponse,
          succeeded,
        ),
      );
    }),

    task({ name: 'auth', tags: ['auth'] }, async (vu) => {
      // Signing in again as this user's account (a fixed PLATFORM_TOKEN is kept: only the endpoint is tested).
      if (config.token) {
        await vu.http.post('/eater_auth', {
          json: {
            provider: 'google',
            idToken: 'test-token',
            email: unique.email('eater', 'platform.volley.test'),
          },
          check: (r) => slowerThan2s(r),
        });
      } else {
        await signIn(vu, vu.state.email);
      }
    }),
  ],
});
