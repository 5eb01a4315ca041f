/**
 * Control-flow signals a scenario throws (or gets thrown by `vu.stop()` / `vu.endTask()`).
 * The engine catches them; they are never counted as exceptions.
 */

/** Stops this virtual user for the rest of the run (Locust's StopUser). `onStop` still runs. */
export class StopUser extends Error {
  override name = 'StopUser';
  constructor(reason = 'user stopped') {
    super(reason);
  }
}

/** Ends the current task run early; the user waits and picks its next task (Locust's RescheduleTask). */
export class EndTask extends Error {
  override name = 'EndTask';
  constructor(reason = 'task ended') {
    super(reason);
  }
}

export function isControlSignal(error: unknown): error is StopUser | EndTask {
  return error instanceof StopUser || error instanceof EndTask;
}
