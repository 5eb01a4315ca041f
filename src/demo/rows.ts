import type { Account, FoodRecord, Post, StoredAccount, Student, User } from './store.ts';

/**
 * Row → record mappers shared by both stores: the tables have the same columns in both dialects, and only
 * value types differ (PostgreSQL gives Date and boolean where SQLite gives text and 0/1).
 */
export type Row = Record<string, unknown>;

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : str(v);
}

export function toUser(r: Row): User {
  return {
    id: num(r.id),
    name: str(r.name),
    email: str(r.email),
    post_count: num(r.post_count),
    created_at: iso(r.created_at),
  };
}

export function toPost(r: Row): Post {
  return {
    id: num(r.id),
    user_id: num(r.user_id),
    title: str(r.title),
    content: str(r.content),
    created_at: iso(r.created_at),
  };
}

export function toStudent(r: Row): Student {
  return {
    id: num(r.id),
    name: str(r.name),
    email: str(r.email),
    domain: strOrNull(r.domain),
    gpa: r.gpa === null || r.gpa === undefined ? null : num(r.gpa),
    created_at: iso(r.created_at),
  };
}

export function toAccount(r: Row): Account {
  return {
    id: num(r.id),
    email: str(r.email),
    full_name: str(r.full_name),
    user_name: str(r.user_name),
    phone: strOrNull(r.phone),
    provider: str(r.provider),
    language: str(r.language),
    created_at: iso(r.created_at),
  };
}

export function toStoredAccount(r: Row): StoredAccount {
  return { ...toAccount(r), password_hash: strOrNull(r.password_hash) };
}

export function toFoodRecord(r: Row): FoodRecord {
  const ingredients: unknown = JSON.parse(str(r.ingredients));
  return {
    user_email: str(r.user_email),
    time: num(r.time),
    day: str(r.day),
    dish_name: str(r.dish_name),
    calories: num(r.calories),
    weight: num(r.weight),
    proteins: num(r.proteins),
    fats: num(r.fats),
    carbohydrates: num(r.carbohydrates),
    sugar: num(r.sugar),
    ingredients: Array.isArray(ingredients) ? ingredients.map(str) : [],
    is_alcohol: r.is_alcohol === true || r.is_alcohol === 1,
    photo_type: str(r.photo_type),
    photo_sha256: str(r.photo_sha256),
  };
}

/** Column order used by both stores' INSERT INTO food_records. */
export const FOOD_RECORD_COLUMNS = [
  'user_email',
  'time',
  'day',
  'dish_name',
  'calories',
  'weight',
  'proteins',
  'fats',
  'carbohydrates',
  'sugar',
  'ingredients',
  'is_alcohol',
  'photo_type',
  'photo_sha256',
] as const;

/** A record's values in FOOD_RECORD_COLUMNS order; `bool` encodes is_alcohol (SQLite has no boolean). */
export function foodRecordValues<B>(r: FoodRecord, bool: (b: boolean) => B): (string | number | B)[] {
  return [
    r.user_email,
    r.time,
    r.day,
    r.dish_name,
    r.calories,
    r.weight,
    r.proteins,
    r.fats,
    r.carbohydrates,
    r.sugar,
    JSON.stringify(r.ingredients),
    bool(r.is_alcohol),
    r.photo_type,
    r.photo_sha256,
  ];
}
