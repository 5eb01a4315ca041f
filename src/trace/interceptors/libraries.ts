import type { Tracer } from '../tracer.ts';

/** An npm library volley patches as it loads: its CommonJS entry file and the patch for its exports. */
export interface LibraryPatch {
  name: string;
  /** The end of the entry file's path, as a URL (`/node_modules/pg/lib/index.js`). */
  entry: string;
  install(tracer: Tracer, exports: object): void;
}

export const LIBRARY_PATCHES: LibraryPatch[] = [];

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
