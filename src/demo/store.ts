/**
 * What the demo API keeps, behind one interface so the HTTP layer never sees SQL. Two implementations:
 * SqliteStore (node:sqlite, the zero-setup default) and PostgresStore (`pg`). Field names are the JSON the API
 * returns (snake_case, as the Flask apps it mirrors).
 */

export interface User {
  id: number;
  name: string;
  email: string;
  post_count: number;
  created_at: string;
}

export interface Post {
  id: number;
  user_id: number;
  title: string;
  content: string;
  created_at: string;
}

export interface Student {
  id: number;
  name: string;
  email: string;
  domain: string | null;
  gpa: number | null;
  created_at: string;
}

/** An account of the registration/login API or of the platform's OAuth-style sign-in. */
export interface Account {
  id: number;
  email: string;
  full_name: string;
  user_name: string;
  phone: string | null;
  provider: string;
  language: string;
  created_at: string;
}

/** An account with its password hash (null for OAuth sign-ins), never sent to clients. */
export interface StoredAccount extends Account {
  password_hash: string | null;
}

/** One analysed dish of the food-tracking platform; `time` (epoch ms) identifies it per user. */
export interface FoodRecord {
  user_email: string;
  time: number;
  /** UTC day the dish was eaten, YYYY-MM-DD. */
  day: string;
  dish_name: string;
  calories: number;
  weight: number;
  proteins: number;
  fats: number;
  carbohydrates: number;
  sugar: number;
  ingredients: string[];
  is_alcohol: boolean;
  photo_type: string;
  photo_sha256: string;
}

export interface Totals {
  users: number;
  posts: number;
  students: number;
  accounts: number;
  food_records: number;
}

/** A page of a list; no limit means everything from `offset` on. */
export interface Page {
  limit?: number;
  offset: number;
}

export type NewUser = Pick<User, 'name' | 'email'>;
export type NewPost = Pick<Post, 'user_id' | 'title' | 'content'>;
export type NewStudent = Pick<Student, 'name' | 'email' | 'domain' | 'gpa'>;
export type StudentPatch = Partial<NewStudent>;
export type NewAccount = Pick<StoredAccount, 'email' | 'full_name' | 'user_name' | 'phone' | 'password_hash'>;
export type OAuthSignIn = Pick<Account, 'email' | 'full_name' | 'provider'>;

export interface DemoStore {
  readonly dialect: 'sqlite' | 'postgres';

  /** @throws DuplicateEmailError */
  createUser(user: NewUser): Promise<User>;
  listUsers(page: Page): Promise<User[]>;
  getUser(id: number): Promise<User | undefined>;
  /** In one transaction: the post and the author's post count; undefined (nothing written) if no such author. */
  createPost(post: NewPost): Promise<Post | undefined>;
  /** undefined if there is no such user. */
  listPostsOf(userId: number): Promise<Post[] | undefined>;
  totals(): Promise<Totals>;

  listStudents(page: Page): Promise<Student[]>;
  getStudent(id: number): Promise<Student | undefined>;
  /** @throws DuplicateEmailError */
  createStudent(student: NewStudent): Promise<Student>;
  /** undefined if there is no such student. @throws DuplicateEmailError */
  updateStudent(id: number, patch: StudentPatch): Promise<Student | undefined>;
  deleteStudent(id: number): Promise<boolean>;
  /** Ensures students 1..count of the seed set exist (emails student{i}@seed.volley.test); returns how many were added. */
  seedStudents(count: number): Promise<number>;

  /** @throws DuplicateEmailError */
  createAccount(account: NewAccount): Promise<Account>;
  findAccountByEmail(email: string): Promise<StoredAccount | undefined>;
  /** The oldest account with that user name (user names are not unique). */
  findAccountByUserName(userName: string): Promise<StoredAccount | undefined>;
  /** Creates the account on first sign-in; later sign-ins return it unchanged. */
  signInOAuth(signIn: OAuthSignIn): Promise<Account>;
  /** false if there is no such account. */
  setLanguage(email: string, language: string): Promise<boolean>;

  addFoodRecord(record: FoodRecord): Promise<void>;
  /** Records of one user from `fromDay` to `toDay` inclusive (YYYY-MM-DD), oldest first. */
  foodRecords(email: string, fromDay: string, toDay: string): Promise<FoodRecord[]>;
  /** Scales portion, calories and nutrients by percentage/100; undefined if there is no such record. */
  scaleFoodRecord(email: string, time: number, percentage: number): Promise<FoodRecord | undefined>;
  deleteFoodRecord(email: string, time: number): Promise<boolean>;
  addWeight(email: string, weight: number, time: number): Promise<void>;
  latestWeight(email: string): Promise<number | undefined>;
  addFeedback(email: string, feedback: string, time: string): Promise<void>;

  close(): Promise<void>;
}

/** A unique email (users, students, accounts) is already taken. */
export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';

  constructor(email: string) {
    super(`email ${email} is already taken`);
  }
}
