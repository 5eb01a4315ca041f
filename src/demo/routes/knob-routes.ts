import { readFields } from '../body-fields.ts';
import { FaultRateError } from '../fault-switch.ts';
import { badRequest } from '../http-error.ts';
import { json } from '../reply.ts';
import type { Route } from '../router.ts';
import type { DemoDeps } from './deps.ts';

/** Test knobs: read and change the fault rates at run time (these routes are never faulted themselves). */
export function knobRoutes({ faults }: DemoDeps): Route[] {
  return [
    { method: 'GET', path: '/__faults', handler: () => json(faults.rates) },
    {
      method: 'POST',
      path: '/__faults',
      handler: (ctx) => {
        const f = readFields(ctx);
        try {
          return json(faults.update({ errorRate: f.errorRate, resetRate: f.resetRate }));
        } catch (error) {
          if (error instanceof FaultRateError) throw badRequest(`field ${error.message}`);
          throw error;
        }
      },
    },
  ];
}
