/**
 * What `npm run demo` (`volley quickstart`) runs against the built-in demo API: students CRUD beside members
 * of the registration/login suite signing in and reading their profile.
 *
 *   npx volley run examples/quickstart.ts --headless -H http://127.0.0.1:5000 -u 20 -r 4 -t 30s
 */
import type { VolleyOptions } from 'volley';

export { member } from './registration-login/scenario.ts';
export { default as student } from './students/scenario.ts';

// Aggregated only: a threshold scoped to one endpoint fails when a short run never reached that endpoint.
// p95 allows for the logins' deliberately expensive scrypt hashing on a busy 2-core machine.
export const options: VolleyOptions = {
  thresholds: ['p95<2000', 'fail_ratio<0.01'],
};
