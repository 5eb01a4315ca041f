/**
 * What one core sends with more users busy at once: `node bench/users-busy.ts [--users 8,32,128,1024]
 * [--rounds 3] [--window 4]`.
 *
 * volley's closed model, the minimal scenario, pinned to core 0 against nginx (one worker, core 1), once
 * per user count, rounds interleaving the counts. Requests and CPU are measured from the outside over a
 * window after a warm-up (bench/lib/throughput.ts). The open model leans on the figures: with a backlog
 * every user is busy, so while volley is saturated more users only cost
 * (src/engine/backlog-limit.ts, SATURATED_BUSY_USERS).
 */
import { parseArgs } from 'node:util';
import { startNginx } from './lib/nginx.ts';
import { which } from './lib/procs.ts';
import { measureThroughput, throughputTable } from './lib/throughput.ts';
import { TOOLS, type Tool } from './lib/tools.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '8,32,128,1024' },
    rounds: { type: 'string', default: '3' },
    window: { type: 'string', default: '4' },
  },
});
const nginxPath = which('nginx');
if (nginxPath === null) {
  process.stderr.write('users-busy: nginx is needed (apt-get install nginx)\n');
  process.exit(2);
}
const volley = TOOLS.find((tool) => tool.name === 'volley') as Tool;
const counts = values.users.split(',').map(Number);
// One "tool" per user count: the same command with its own -u.
const tools: Tool[] = counts.map((users) => ({
  ...volley,
  name: `${users} users`,
  description: `volley run, minimal scenario, -u ${users}`,
  command: (url, _connections, seconds) => volley.command(url, users, seconds),
}));
const nginx = await startNginx(nginxPath, 1, Math.max(...counts) + 100);
try {
  const results = await measureThroughput(
    nginx,
    tools,
    {
      rounds: Number(values.rounds),
      durationSec: Number(values.window),
      warmupSec: 2,
      connections: 0,
      toolCore: 0,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(
    `\nvolley on one core with N users busy at once, nginx (medians of ${values.rounds} rounds):\n`,
  );
  process.stdout.write(`${throughputTable(results)}\n`);
} finally {
  await nginx.close();
}
