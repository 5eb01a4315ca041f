import type { IncomingHttpHeaders } from 'node:http';
import type { BodyFormat } from './media-types.ts';
import type { Reply } from './reply.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a handler sees of a request: the body is fully read (empty for GET/DELETE). */
export interface RequestContext {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly bodyFormat: BodyFormat;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** `path` segments starting with `:` are parameters, e.g. `/students/:id`. */
export interface Route {
  method: Method;
  path: string;
  handler: Handler;
}

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: Method[] }
  | { kind: 'not-found' };

interface ParamRoute {
  segments: string[];
  methods: Map<Method, Handler>;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Exact paths by map lookup; parameter paths by segment comparison (there are only a few). */
export class Router {
  readonly #exact = new Map<string, Map<Method, Handler>>();
  readonly #withParams: ParamRoute[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) this.#add(route);
  }

  #add(route: Route): void {
    let methods: Map<Method, Handler> | undefined;
    if (route.path.includes('/:')) {
      const segments = route.path.split('/');
      let entry = this.#withParams.find((r) => r.segments.join('/') === segments.join('/'));
      if (entry === undefined) {
        entry = { segments, methods: new Map() };
        this.#withParams.push(entry);
      }
      methods = entry.methods;
    } else {
      methods = this.#exact.get(route.path);
      if (methods === undefined) {
        methods = new Map();
        this.#exact.set(route.path, methods);
      }
    }
    if (methods.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    methods.set(route.method, route.handler);
  }

  match(method: string, path: string): RouteMatch {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return pick(exact, method, NO_PARAMS);
    const segments = path.split('/');
    for (const route of this.#withParams) {
      const params = matchSegments(route.segments, segments);
      if (params !== undefined) return pick(route.methods, method, params);
    }
    return { kind: 'not-found' };
  }
}

function pick(methods: Map<Method, Handler>, method: string, params: Record<string, string>): RouteMatch {
  const handler = methods.get(method as Method);
  return handler === undefined
    ? { kind: 'wrong-method', allowed: [...methods.keys()] }
    : { kind: 'found', handler, params };
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? '';
    const got = actual[i] ?? '';
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      const value = safeDecode(got);
      if (value === undefined) return undefined;
      params[want.slice(1)] = value;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // malformed %-escape: no route matches it
  }
}
