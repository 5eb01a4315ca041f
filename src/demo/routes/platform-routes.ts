import { setTimeout as sleep } from 'node:timers/promises';
import type { Fields } from '../body-fields.ts';
import { checkEmail, checkNumber, optionalString, requiredEmail, requiredString } from '../fields.ts';
import { analysePhoto, analysisLatencyMs } from '../food-analysis.ts';
import { badRequest, HttpError, notFound } from '../http-error.ts';
import { readPhotoUpload } from '../multipart-photo.ts';
import { addDays, dayOf, daysBetween, nextRecordTime, parseDay } from '../platform-dates.ts';
import { readMessage } from '../platform-proto.ts';
import { json, message } from '../reply.ts';
import type { RequestContext, Route } from '../router.ts';
import type { FoodRecord } from '../store.ts';
import type { DemoDeps } from './deps.ts';

const MAX_PHOTO_BYTES = 10 * 1_048_576;
const MAX_RANGE_DAYS = 366;
const OAUTH_PROVIDERS = new Set(['google', 'apple', 'facebook', 'github']);
const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;

/**
 * The food-tracking platform with Protocol Buffers, on the paths of the platform suite this mirrors. All
 * but /eater_auth need a bearer token; data belongs to the token's email.
 */
export function platformRoutes({ store, tokens, proto }: DemoDeps): Route[] {
  const user = (ctx: RequestContext) => tokens.authenticate(ctx);

  async function todayFood(email: string, day: string): Promise<object> {
    const [records, weight] = await Promise.all([
      store.foodRecords(email, day, day),
      store.latestWeight(email),
    ]);
    return { ...totalsOf(records), person_weight: weight ?? 0, date: day };
  }

  return [
    {
      method: 'POST',
      path: '/eater_receive_photo',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.PhotoMessage);
        const photo = m.photo_data instanceof Uint8Array ? m.photo_data : new Uint8Array();
        if (photo.length === 0) throw badRequest('field "photo_data" is required');
        if (photo.length > MAX_PHOTO_BYTES) throw badRequest('field "photo_data" must be at most 10 MiB');
        const photoType = optionalString(m, 'photoType', 100) ?? 'default_prompt';
        optionalString(m, 'time', 64); // checked only: the server's clock dates (and identifies) the record
        const analysed = analysePhoto(photo);
        await sleep(analysisLatencyMs(photo.length));
        const time = nextRecordTime();
        const record: FoodRecord = {
          ...analysed,
          user_email: email,
          time,
          day: dayOf(time),
          photo_type: photoType,
        };
        await store.addFoodRecord(record);
        return message(proto.PhotoResponse, { success: true, dish: dishOf(record) });
      },
    },
    {
      // The app's picture upload as multipart/form-data: checked, analysed, not stored.
      method: 'POST',
      path: '/upload_photo',
      handler: async (ctx) => {
        await user(ctx);
        const photo = await readPhotoUpload(ctx, MAX_PHOTO_BYTES);
        const analysed = analysePhoto(photo.bytes);
        return json({
          success: true,
          filename: photo.filename,
          content_type: photo.contentType,
          bytes: photo.bytes.length,
          sha256: analysed.photo_sha256,
          photo_type: photo.photoType ?? 'default_prompt',
          dish_name: analysed.dish_name,
          calories: analysed.calories,
        });
      },
    },
    {
      method: 'GET',
      path: '/eater_get_today',
      handler: async (ctx) => message(proto.TodayFood, await todayFood(await user(ctx), dayOf(Date.now()))),
    },
    {
      method: 'POST',
      path: '/get_food_custom_date',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.CustomDateFoodRequest);
        return message(proto.TodayFood, await todayFood(email, parseDay(m.date, 'date')));
      },
    },
    {
      method: 'POST',
      path: '/modify_food_record',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.ModifyFoodRecordRequest);
        ownEmail(m, 'user_email', email);
        const time = recordTime(m);
        const percentage = checkNumber(m.percentage, 'percentage', 1, 1000);
        const record = await store.scaleFoodRecord(email, time, percentage);
        if (record === undefined) throw notFound(`no food record with time ${time}`);
        return message(proto.ModifyFoodRecordResponse, { success: true, dish: dishOf(record) });
      },
    },
    {
      method: 'POST',
      path: '/manual_weight',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.ManualWeightRequest);
        ownEmail(m, 'user_email', email);
        const weight = checkNumber(m.weight, 'weight', 0, 500);
        await store.addWeight(email, Math.round(weight * 10) / 10, Date.now());
        return message(proto.OperationResponse, { success: true, message: 'weight recorded' });
      },
    },
    {
      method: 'POST',
      path: '/get_recommendation',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.RecommendationRequest);
        const days = m.days === 0 ? 1 : checkNumber(m.days, 'days', 1, 30);
        const today = dayOf(Date.now());
        const [records, weight] = await Promise.all([
          store.foodRecords(email, addDays(today, 1 - days), today),
          store.latestWeight(email),
        ]);
        // Stands in for the real platform's model call: slower than plain reads, faster than a photo.
        await sleep(30 + Math.random() * 50);
        const avg = Math.round(records.reduce((sum, r) => sum + r.calories, 0) / days);
        return message(proto.RecommendationResponse, {
          recommendation: recommendationText(
            avg,
            records.some((r) => r.is_alcohol),
          ),
          days,
          avg_daily_calories: avg,
          person_weight: weight ?? 0,
        });
      },
    },
    {
      method: 'POST',
      path: '/delete_food',
      handler: async (ctx) => {
        const email = await user(ctx);
        const time = recordTime(readMessage(ctx, proto.DeleteFoodRequest));
        if (!(await store.deleteFoodRecord(email, time))) throw notFound(`no food record with time ${time}`);
        return message(proto.OperationResponse, { success: true, message: 'food record deleted' });
      },
    },
    {
      method: 'POST',
      path: '/set_language',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.SetLanguageRequest);
        ownEmail(m, 'user_email', email);
        const code = requiredString(m, 'language_code', 16);
        if (!LANGUAGE_CODE.test(code))
          throw badRequest('field "language_code" must be a language code such as en or pt-BR');
        if (!(await store.setLanguage(email, code))) throw notFound(`no account for ${email}`);
        return message(proto.OperationResponse, { success: true, message: `language set to ${code}` });
      },
    },
    {
      method: 'GET',
      path: '/alcohol_latest',
      handler: async (ctx) => {
        const email = await user(ctx);
        const today = dayOf(Date.now());
        const records = await store.foodRecords(email, today, today);
        return message(proto.AlcoholLatestResponse, { today: alcoholDay(today, records) });
      },
    },
    {
      method: 'POST',
      path: '/alcohol_range',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.GetAlcoholRangeRequest);
        const start = parseDay(m.start_date, 'start_date');
        const end = parseDay(m.end_date, 'end_date');
        if (start > end) throw badRequest('field "start_date" must not be after "end_date"');
        if (daysBetween(start, end) >= MAX_RANGE_DAYS) {
          throw badRequest(
            `the range from "start_date" to "end_date" must be at most ${MAX_RANGE_DAYS} days`,
          );
        }
        const byDay = new Map<string, FoodRecord[]>();
        for (const r of await store.foodRecords(email, start, end)) {
          if (r.is_alcohol) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
        }
        const days = [...byDay].map(([day, records]) => alcoholDay(day, records));
        return message(proto.AlcoholRangeResponse, {
          days,
          total_drinks: days.reduce((n, d) => n + d.total_drinks, 0),
          total_calories: days.reduce((n, d) => n + d.total_calories, 0),
        });
      },
    },
    {
      method: 'POST',
      path: '/feedback',
      handler: async (ctx) => {
        const email = await user(ctx);
        const m = readMessage(ctx, proto.FeedbackRequest);
        ownEmail(m, 'userEmail', email);
        const feedback = requiredString(m, 'feedback', 2000);
        const time = optionalString(m, 'time', 64) ?? new Date().toISOString();
        await store.addFeedback(email, feedback, time);
        return message(proto.OperationResponse, { success: true, message: 'thank you for the feedback' });
      },
    },
    {
      method: 'POST',
      path: '/eater_auth',
      handler: async (ctx) => {
        const m = readMessage(ctx, proto.AuthRequest);
        const provider = requiredString(m, 'provider', 32).toLowerCase();
        if (!OAUTH_PROVIDERS.has(provider)) {
          throw badRequest(`field "provider" must be one of ${[...OAUTH_PROVIDERS].join(', ')}`);
        }
        // The demo trusts the provider's token: it only has to be there.
        requiredString(m, 'idToken', 4096);
        const email = requiredEmail(m);
        const name = optionalString(m, 'name', 100) ?? email.split('@')[0] ?? email;
        const account = await store.signInOAuth({ email, full_name: name, provider });
        return message(proto.AuthResponse, {
          token: await tokens.issue(account.email),
          email: account.email,
          name: account.full_name,
          expires_in: tokens.ttlSeconds,
        });
      },
    },
  ];
}

/** A body email field may be left empty; when given it must be the signed-in account. */
function ownEmail(m: Fields, field: string, email: string): void {
  const given = optionalString(m, field, 254);
  if (given !== null && checkEmail(given, field) !== email) {
    throw new HttpError(403, `field "${field}" does not match the signed-in account`);
  }
}

function recordTime(m: Fields): number {
  const time = m.time;
  if (time === 0) throw badRequest('field "time" is required');
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw badRequest('field "time" must be a dish time (epoch milliseconds)');
  }
  return time;
}

function dishOf(r: FoodRecord): object {
  return {
    time: r.time,
    dish_name: r.dish_name,
    estimated_avg_calories: r.calories,
    total_avg_weight: r.weight,
    ingredients: r.ingredients,
    contains: { proteins: r.proteins, fats: r.fats, carbohydrates: r.carbohydrates, sugar: r.sugar },
    is_alcohol: r.is_alcohol,
  };
}

function totalsOf(records: FoodRecord[]): { dishes_today: object[]; total_for_day: object } {
  const sum = (pick: (r: FoodRecord) => number) => records.reduce((n, r) => n + pick(r), 0);
  return {
    dishes_today: records.map(dishOf),
    total_for_day: {
      total_calories: sum((r) => r.calories),
      total_avg_weight: sum((r) => r.weight),
      contains: {
        proteins: sum((r) => r.proteins),
        fats: sum((r) => r.fats),
        carbohydrates: sum((r) => r.carbohydrates),
        sugar: sum((r) => r.sugar),
      },
    },
  };
}

function alcoholDay(day: string, records: FoodRecord[]) {
  const drinks = records.filter((r) => r.is_alcohol);
  return {
    date: day,
    total_drinks: drinks.length,
    total_calories: drinks.reduce((n, r) => n + r.calories, 0),
    drinks: drinks.map((r) => r.dish_name),
  };
}

function recommendationText(avgCalories: number, hadAlcohol: boolean): string {
  const base =
    avgCalories === 0
      ? 'No meals logged yet: upload a photo of your next meal to get advice.'
      : avgCalories < 1600
        ? 'You are eating lightly: add a protein-rich meal such as salmon with rice.'
        : avgCalories > 2600
          ? 'Your intake is high: swap one heavy meal for a salad or oatmeal.'
          : 'Your intake looks balanced: keep it up.';
  return hadAlcohol ? `${base} Consider fewer drinks this week.` : base;
}
