/**
 * The system under test: nginx with one worker, answering every request with a small JSON body from
 * memory, and a stub_status page counting the requests it handled (the benchmarks' request counter,
 * the same for every tool).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectStderr, freePort, sleep, spawnPinned, stop } from './procs.ts';

export const BODY = '{"ok":true,"message":"hello from nginx"}';

export interface Nginx {
  /** Base URL of the JSON endpoint, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Requests nginx has handled so far (stub_status), the status requests included. */
  requests(): Promise<number>;
  close(): Promise<void>;
}

/** With `tls`, the endpoint is HTTPS (HTTP/1.1, a self-signed certificate made with openssl). */
export async function startNginx(
  nginxPath: string,
  core: number,
  maxConnections: number,
  tls = false,
): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-bench-nginx-'));
  mkdirSync(join(dir, 'logs'));
  if (tls) makeCertificate(dir);
  const ssl = tls
    ? `ssl;\n    ssl_certificate ${dir}/cert.pem;\n    ssl_certificate_key ${dir}/key.pem;\n` +
      '    ssl_session_cache shared:SSL:10m;\n    ssl_session_tickets on;'
    : ';';
  const port = await freePort();
  const statusPort = await freePort();
  const config = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log crit;
worker_rlimit_nofile ${maxConnections + 1000};
events { worker_connections ${maxConnections + 500}; }
http {
  access_log off;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096 ${ssl}
    location / { default_type application/json; return 200 '${BODY}'; }
  }
  server {
    listen 127.0.0.1:${statusPort};
    location / { stub_status; }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child: ChildProcess = spawnPinned(core, nginxPath, ['-c', join(dir, 'nginx.conf'), '-p', dir]);
  const stderr = collectStderr(child);
  const status = async (): Promise<number> => {
    const text = await get(`http://127.0.0.1:${statusPort}/`);
    // "Active connections: 1 \nserver accepts handled requests\n 5 5 12 \n..."
    const match = /\n\s*(\d+)\s+(\d+)\s+(\d+)/.exec(text);
    if (match === null) throw new Error(`unexpected stub_status: ${text}`);
    return Number(match[3]);
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await status();
      break;
    } catch (error) {
      if (attempt > 50 || child.exitCode !== null) {
        await stop(child, 'SIGQUIT');
        throw new Error(`nginx did not start: ${stderr() || String(error)}`);
      }
      await sleep(100);
    }
  }
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: status,
    async close() {
      await stop(child, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A self-signed EC certificate for 127.0.0.1 (what the tools see: they do not verify it). */
function makeCertificate(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
}
