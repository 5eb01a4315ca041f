/**
 * A worker's side of the web UI's edits (set-load): the whole run's new users or rate, of which this worker
 * takes the share partitionPlan would have given it had the run started with them, so the users keep their
 * run-wide ids (and seeds) and the class mix stays exact across workers.
 */
import type { LoadTestRun } from '../engine/run.ts';
import type { PartitionUser, RunPlan } from '../engine/run-plan.ts';
import { assignUserClasses, shareOf } from './partition.ts';
import type { SetLoadMessage } from './protocol.ts';

/** A partitioned plan whose list of users can grow past its start's, and the edit that grows it. */
export interface SteerablePlan {
  plan: RunPlan;
  apply(run: LoadTestRun, message: SetLoadMessage): void;
}

export function steerablePlan(partitioned: RunPlan): SteerablePlan {
  const partition = partitioned.partition;
  if (!partition) return { plan: partitioned, apply: () => {} };
  // The closed model reads this array as it spawns, so users added here are started by a retarget.
  const users: PartitionUser[] = [...partition.users];
  const plan = { ...partitioned, partition: { ...partition, users } };
  const { index, count } = partition;
  return {
    plan,
    apply(run, message) {
      if (message.users !== undefined) {
        const known = users.at(-1)?.id ?? 0;
        assignUserClasses({ ...plan, users: message.users }).forEach((userClass, j) => {
          if (j % count === index && j + 1 > known) users.push({ id: j + 1, userClass });
        });
        const share = shareOf(message.users, index, count);
        if (message.spawnRate === undefined) run.setUsers(share);
        else run.setUsers(share, message.spawnRate / count);
      }
      if (message.arrivalRate !== undefined) run.setArrivalRate(message.arrivalRate / count);
    },
  };
}

/** This process's CPU since the previous call, in % of one core (the first call: since it was made). */
export function cpuMeter(): () => number {
  let last = process.cpuUsage();
  let lastAt = performance.now();
  return () => {
    const now = process.cpuUsage();
    const at = performance.now();
    const usedMicros = now.user - last.user + now.system - last.system;
    const percent = at > lastAt ? usedMicros / 10 / (at - lastAt) : 0;
    last = now;
    lastAt = at;
    return Math.round(percent * 10) / 10;
  };
}
