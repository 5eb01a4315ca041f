import { json, text } from '../reply.ts';
import type { Route } from '../router.ts';
import type { DemoDeps } from './deps.ts';

/** The basic Flask app of the record/replay suite: greeting, health check, and a stateful counter. */
export function basicRoutes(deps: DemoDeps): Route[] {
  // Per server process, like the Flask app's module-level counter.
  let count = 0;
  return [
    { method: 'GET', path: '/', handler: () => text('Hello from volley!') },
    { method: 'GET', path: '/health', handler: () => json({ status: 'healthy', db: deps.store.dialect }) },
    { method: 'GET', path: '/api/count', handler: () => json({ count: ++count }) },
  ];
}
