import { betterSqlite3Patch } from './better-sqlite3.ts';
import type { LibraryPatch } from './library-patch.ts';
import { pgPatch } from './pg.ts';
import { undiciPatch } from './undici.ts';

export type { LibraryPatch } from './library-patch.ts';

export const LIBRARY_PATCHES: LibraryPatch[] = [undiciPatch, pgPatch, betterSqlite3Patch];

/** Libraries that do I/O volley does not intercept: named in a warning when the application loads them. */
export const UNINTERCEPTED_LIBRARIES = [
  'mysql2',
  'mysql',
  'redis',
  'ioredis',
  'mongodb',
  'mongoose',
  'amqplib',
  'kafkajs',
  'sqlite3',
  'tedious',
  'oracledb',
];
