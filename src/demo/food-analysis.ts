import { createHash } from 'node:crypto';
import type { FoodRecord } from './store.ts';

/** What the "photo analysis" finds: a dish of the catalogue, portion scaled, derived from the photo's hash. */
export type AnalysedDish = Omit<FoodRecord, 'user_email' | 'time' | 'day' | 'photo_type'>;

interface CatalogueDish {
  name: string;
  /** Per standard portion. */
  calories: number;
  weight: number;
  proteins: number;
  fats: number;
  carbohydrates: number;
  sugar: number;
  ingredients: string[];
  alcohol?: true;
}

const CATALOGUE: readonly CatalogueDish[] = [
  {
    name: 'Caesar salad',
    calories: 360,
    weight: 280,
    proteins: 18,
    fats: 26,
    carbohydrates: 14,
    sugar: 3,
    ingredients: ['romaine', 'chicken', 'parmesan', 'croutons', 'caesar dressing'],
  },
  {
    name: 'Spaghetti bolognese',
    calories: 650,
    weight: 400,
    proteins: 32,
    fats: 22,
    carbohydrates: 78,
    sugar: 9,
    ingredients: ['spaghetti', 'beef mince', 'tomato', 'onion', 'carrot'],
  },
  {
    name: 'Oatmeal with berries',
    calories: 310,
    weight: 300,
    proteins: 10,
    fats: 6,
    carbohydrates: 54,
    sugar: 16,
    ingredients: ['oats', 'milk', 'blueberries', 'honey'],
  },
  {
    name: 'Grilled salmon with rice',
    calories: 580,
    weight: 350,
    proteins: 38,
    fats: 24,
    carbohydrates: 52,
    sugar: 2,
    ingredients: ['salmon', 'rice', 'lemon', 'broccoli'],
  },
  {
    name: 'Margherita pizza',
    calories: 800,
    weight: 330,
    proteins: 32,
    fats: 30,
    carbohydrates: 98,
    sugar: 8,
    ingredients: ['dough', 'tomato', 'mozzarella', 'basil'],
  },
  {
    name: 'Chicken burrito',
    calories: 720,
    weight: 380,
    proteins: 40,
    fats: 24,
    carbohydrates: 84,
    sugar: 5,
    ingredients: ['tortilla', 'chicken', 'rice', 'beans', 'salsa'],
  },
  {
    name: 'Greek yoghurt with granola',
    calories: 290,
    weight: 220,
    proteins: 17,
    fats: 9,
    carbohydrates: 36,
    sugar: 18,
    ingredients: ['greek yoghurt', 'granola', 'honey'],
  },
  {
    name: 'Glass of red wine',
    calories: 125,
    weight: 150,
    proteins: 0,
    fats: 0,
    carbohydrates: 4,
    sugar: 1,
    ingredients: ['red wine'],
    alcohol: true,
  },
  {
    name: 'Pint of lager',
    calories: 210,
    weight: 568,
    proteins: 2,
    fats: 0,
    carbohydrates: 18,
    sugar: 0,
    ingredients: ['lager'],
    alcohol: true,
  },
];

/**
 * Deterministic stand-in for the real platform's vision model: the same photo always gives the same dish
 * and portion (0.75×–1.5×), so load-test results are comparable between runs.
 */
export function analysePhoto(photo: Uint8Array): AnalysedDish {
  const digest = createHash('sha256').update(photo).digest();
  const dish = CATALOGUE[(digest[0] ?? 0) % CATALOGUE.length] ?? CATALOGUE[0]!;
  const portion = 0.75 + ((digest[1] ?? 0) / 255) * 0.75;
  const scale = (n: number) => Math.round(n * portion);
  return {
    dish_name: dish.name,
    calories: scale(dish.calories),
    weight: scale(dish.weight),
    proteins: scale(dish.proteins),
    fats: scale(dish.fats),
    carbohydrates: scale(dish.carbohydrates),
    sugar: scale(dish.sugar),
    ingredients: [...dish.ingredients],
    is_alcohol: dish.alcohol === true,
    photo_sha256: digest.toString('hex'),
  };
}

/**
 * How long the simulated model "thinks": 150–300 ms plus 20 ms per MiB, so the photo endpoint is clearly the
 * slow one, as on the real platform.
 */
export function analysisLatencyMs(photoBytes: number): number {
  return 150 + Math.random() * 150 + (photoBytes / 1_048_576) * 20;
}
