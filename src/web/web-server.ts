import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VolleyError } from '../errors.ts';
import { isLoopbackHost, isLoopbackHostHeader } from '../report/loopback-host.ts';
import { crossSiteRefusal, hasValidToken, tokenCookieName } from './access.ts';
import {
  DownloadUnavailableError,
  type HtmlReportBuilder,
  type HtmlReportFactory,
  isDownloadName,
  renderDownload,
} from './downloads.ts';
import { EventStream } from './event-stream.ts';
import { FAVICON_SVG } from './favicon.ts';
import { formFieldMessage } from './form-fields.ts';
import { renderPage } from './page.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';
import { BadRequestError, parseRateChange, parseRunParams, parseUsersChange } from './request-params.ts';
import { type LiveStats, type RunSession, SessionStateError, type SessionView } from './run-session.ts';
import { PACKAGE_ASSETS } from './static-assets.ts';

export interface WebServerOptions {
  session: RunSession;
  /** Address to bind: 127.0.0.1 by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required for any bind that is not loopback; optional (then enforced) on loopback. */
  token?: string | null;
  /** Title shown on the page (the scenario). */
  title?: string;
  /** The HTML report download; without it /download/report.html answers 501. */
  htmlReport?: HtmlReportFactory;
  /** Live events at most this often per kind (default 500 ms: two a second). */
  minEventIntervalMs?: number;
}

export interface WebServer {
  /** http://host:port/ as bound (the real port when 0 was asked). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Binding beyond loopback without a token: refused, anyone on the network could drive the load. */
export class WebAuthRequiredError extends VolleyError {
  override name = 'WebAuthRequiredError';
  override readonly code: string = 'VOLLEY_WEB_AUTH_REQUIRED';
}

const MAX_BODY_BYTES = 64 * 1024;
/** Only our own scripts and styles; uPlot sets element styles from script, which CSP allows. */
const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const OWN_ASSETS: Readonly<Record<string, { contentType: string; body: string }>> = {
  '/assets/app.js': { contentType: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT },
  '/assets/app.css': { contentType: 'text/css; charset=utf-8', body: PAGE_STYLE },
  '/assets/favicon.svg': { contentType: 'image/svg+xml', body: FAVICON_SVG },
};

/** Starts the live web UI on `host:port`: the page, its live event stream, control endpoints, downloads. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  if (!token && !isLoopbackHost(host)) {
    throw new WebAuthRequiredError(`--web-host ${host}: binding beyond loopback needs an access token`);
  }
  const { session } = options;
  const events = new EventStream({ minIntervalMs: options.minEventIntervalMs ?? 500 });
  const report = { builder: options.htmlReport?.() as HtmlReportBuilder | undefined };
  const unlisten = listen(session, events, options.htmlReport, report);
  let port = options.port ?? 8089;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${(error as Error)?.message}` });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    const url = new URL(req.url ?? '/', 'http://volley.invalid');
    if (token) {
      if (!hasValidToken(req, url, port, token)) {
        res.setHeader('www-authenticate', token.includes(':') ? 'Basic realm="volley"' : 'Bearer');
        sendText(res, 401, 'volley web UI: access token required (open the URL printed with ?token=…)\n');
        return;
      }
    } else if (!isLoopbackHostHeader(req.headers.host)) {
      sendText(res, 403, 'volley web UI: use http://127.0.0.1 or http://localhost\n');
      return;
    }
    const path = url.pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/') {
        if (token && url.searchParams.has('token')) {
          // Keep the token out of the address bar and history: a cookie carries it from now on.
          res.setHeader(
            'set-cookie',
            `${tokenCookieName(port)}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
          );
          res.writeHead(303, { location: '/' }).end();
          return;
        }
        res.setHeader('content-security-policy', PAGE_CSP);
        send(res, 200, 'text/html; charset=utf-8', renderPage({ title: options.title ?? 'volley' }));
        return;
      }
      const own = OWN_ASSETS[path];
      if (own) {
        send(res, 200, own.contentType, own.body);
        return;
      }
      const asset = PACKAGE_ASSETS[path];
      if (asset) {
        send(res, 200, asset.contentType, await asset.load(), 'public, max-age=3600');
        return;
      }
      if (path === '/api/state') {
        sendJson(res, 200, stateBody(session));
        return;
      }
      if (path === '/api/workers') {
        sendJson(res, 200, { cluster: session.view().cluster, workers: session.workers() });
        return;
      }
      if (path === '/api/events' && req.method === 'GET') {
        events.attach(res, [
          ['state', session.view()],
          ['stats', session.liveStats()],
        ]);
        return;
      }
      const download = /^\/download\/([\w.]+)$/.exec(path)?.[1];
      if (download !== undefined && isDownloadName(download)) {
        try {
          const file = await renderDownload(download, session, report.builder);
          res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
          send(res, 200, file.contentType, file.body);
        } catch (error) {
          if (!(error instanceof DownloadUnavailableError)) throw error;
          sendText(res, error.status, `${error.message}\n`);
        }
        return;
      }
      sendText(res, 404, 'not found\n');
      return;
    }
    if (req.method === 'POST') {
      const refusal = crossSiteRefusal(req);
      if (refusal) {
        sendJson(res, 403, { error: refusal });
        return;
      }
      try {
        const body = await readJson(req);
        switch (path) {
          case '/api/start':
            session.start(parseRunParams(body, session.view().params));
            break;
          case '/api/users': {
            const change = parseUsersChange(body);
            session.setUsers(change.users, change.spawnRate);
            break;
          }
          case '/api/rate':
            session.setArrivalRate(parseRateChange(body));
            break;
          case '/api/stop':
            session.stop();
            break;
          case '/api/reset':
            session.resetStats();
            break;
          default:
            sendJson(res, 404, { error: 'not found' });
            return;
        }
      } catch (error) {
        if (error instanceof SessionStateError) {
          sendJson(res, 409, { error: error.message });
          return;
        }
        if (error instanceof VolleyError) {
          sendJson(res, 400, { error: formFieldMessage((error as Error).message) });
          return;
        }
        throw error;
      }
      sendJson(res, 200, session.view());
      return;
    }
    res.setHeader('allow', 'GET, HEAD, POST');
    sendText(res, 405, 'method not allowed\n');
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    unlisten();
    events.close();
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        unlisten();
        events.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Forwards the session's changes to the open pages, and its snapshots to the HTML report of the run. */
function listen(
  session: RunSession,
  events: EventStream,
  htmlReport: HtmlReportFactory | undefined,
  report: { builder: HtmlReportBuilder | undefined },
): () => void {
  let runNumber = session.view().runNumber;
  return session.subscribe((event, data) => {
    events.publish(event, data);
    if (!htmlReport) return;
    if (event === 'state' && (data as SessionView).runNumber !== runNumber) {
      runNumber = (data as SessionView).runNumber;
      report.builder = htmlReport();
    } else if (event === 'stats' && data && !(data as LiveStats).final) {
      report.builder?.add((data as LiveStats).snapshot);
    }
  });
}

function stateBody(session: RunSession): unknown {
  return {
    ...session.view(),
    defaults: session.defaults,
    stats: session.liveStats(),
    points: session.chartPoints(),
    logs: session.logLines(),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequestError('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('invalid JSON body');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, cache = 'no-store'): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': cache,
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
