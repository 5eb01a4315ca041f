import type { Tracer } from '../tracer.ts';

/** An npm library volley patches as it loads: its CommonJS entry file and the patch for its exports. */
export interface LibraryPatch {
  name: string;
  /** The end of the entry file's path, as a URL (`/node_modules/pg/lib/index.js`). */
  entry: string;
  /** Patches the library's exports in place, or returns what replaces them (a traced class). */
  install(tracer: Tracer, exports: object): object | undefined;
}
