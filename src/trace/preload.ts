// Loaded into a traced program by `volley trace` (NODE_OPTIONS=--import …), before the program's own code.
import { startTracing } from './trace-runtime.ts';

startTracing(process.env);
