/**
 * Entry point of a worker process forked by the coordinator (`volley run --processes N`): runs its
 * assignment over the IPC channel, then exits (user code may leave timers behind).
 */
import { parentLink } from './ipc-link.ts';
import { runWorker } from './worker.ts';

// Ctrl-C in a terminal reaches the whole process group: the coordinator decides how workers stop.
process.on('SIGINT', () => {});
const link = parentLink();
await runWorker(link);
link.close();
process.exit(0);
