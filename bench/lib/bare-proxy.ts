/**
 * The floor `volley capture` is measured against: the plainest reverse proxy node:http makes (keep-alive
 * both ways, streamed bodies, nothing recorded). `node bench/lib/bare-proxy.ts --listen HOST:PORT
 * --upstream URL`; SIGINT ends it.
 */
import { Agent, createServer, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { listen: { type: 'string' }, upstream: { type: 'string' } } });
const [host, port] = (values.listen ?? '127.0.0.1:8080').split(':');
const upstream = new URL(values.upstream ?? 'http://127.0.0.1:80');
const agent = new Agent({ keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' });
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const out = request({
    agent,
    host: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: req.headers,
  });
  req.pipe(out);
  out.on('response', (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', () => res.destroy());
});
server.listen(Number(port), host, () => process.stdout.write(`listening on http://${host}:${port}\n`));
process.on('SIGINT', () => process.exit(0));
