/**
 * Entry point of a worker process forked by the coordinator (`volley run --processes N`): runs its
 * assignment over the IPC channel, then exits (user code may leave timers behind).
 */
import { parentLink } from './ipc-link.ts';
import { runWorker } from './worker.ts';

// Ctrl-C in a terminal, or a SIGTERM to the process group (CI cancelling, `timeout`), reaches the workers
// too: they stop their users gracefully and still send their last statistics rather than die with them.
const stop = new AbortController();
// The signal's name tells the coordinator that this worker left by a signal of its own (see Coordinator).
const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
const link = parentLink();
const outcome = await runWorker(link, { signal: stop.signal });
link.close();
process.exit(outcome.ok ? 0 : 1);
