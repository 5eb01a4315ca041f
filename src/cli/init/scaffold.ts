import { VOLLEY_VERSION } from '../../version.ts';

/** The files `volley init` writes, by path relative to the project folder. */
export function scaffoldFiles(projectName: string): Record<string, string> {
  const pkg = {
    name: projectName,
    private: true,
    type: 'module',
    scripts: {
      'load:smoke': 'volley run --headless -u 1 -i 3',
      load: 'volley run --headless',
      'load:ui': 'volley run',
    },
    engines: { node: '>=22.19' },
    dependencies: { volley: `^${VOLLEY_VERSION}` },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'es2023',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
    },
    include: ['*.ts'],
  };
  const config = {
    scenario: 'scenario.ts',
    host: 'http://127.0.0.1:5000',
    users: 10,
    spawnRate: 2,
    runTime: '1m',
    thresholds: ['p95<500', 'fail_ratio<0.01'],
    html: 'reports/report.html',
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'volley.config.json': `${JSON.stringify(config, null, 2)}\n`,
    'scenario.ts': SCENARIO,
    'README.md': readme(projectName),
    '.gitignore': 'node_modules/\nreports/\n',
  };
}

const SCENARIO = `/**
 * A first volley scenario: each virtual user lists students and opens one, waiting 1–3 s between tasks
 * as a person would. Without a wait a user sends its next request at once (the default think time is 0).
 * It runs as is against volley's demo API (\`npx volley demo\`); point it at your own API in
 * volley.config.json ("host") and change the tasks.
 */
import { between, task, user } from 'volley';

interface Student {
  id: number;
  name: string;
}

export default user({
  wait: between(1, 3),
  tasks: [
    task({ name: 'list students', weight: 3 }, async (vu) => {
      await vu.http.get('/students', {
        query: { limit: 20 },
        check: (res) => Array.isArray(res.json()) || 'not a list',
      });
    }),
    task({ name: 'open a student' }, async (vu) => {
      const list = await vu.http.get('/students', { query: { limit: 20 } });
      const students = list.ok ? list.json<Student[]>() : [];
      const first = students[0];
      if (!first) return vu.endTask('no student yet');
      await vu.http.get(\`/students/\${first.id}\`, { name: '/students/[id]', expect: 200 });
    }),
  ],
});
`;

function readme(projectName: string): string {
  return `# ${projectName}

Load tests with volley. Needs Node.js 22.19 or newer. (Installing from a volley clone instead of a
registry: \`npm pack\` there, then \`npm install /path/to/volley-VERSION.tgz\` here.)

    npm install
    npx volley demo &          # a demo API on http://127.0.0.1:5000 to try the scenario on
    npm run load:smoke         # 1 user, 3 task runs: does the scenario work?
    npm run load               # the run in volley.config.json (10 users, 1 minute), then reports/report.html
    npm run load:ui            # the same with the web UI on http://127.0.0.1:8089

Settings live in \`volley.config.json\` (host, users, run time, thresholds); flags override them, e.g.
\`npx volley run -H https://staging.example.com -u 50 -t 5m --wait-for /health\`.
\`npx volley run --help\` lists every setting.

- \`scenario.ts\`: the virtual users and their tasks. \`wait: between(1, 3)\` is each user's think time;
  without it a user sends its next request as soon as the last one answered.
- The run exits 1 when a threshold fails or a request failed, so CI can gate on it.
`;
}
