import { VolleyError } from '../../errors.ts';

/** The metrics endpoint could not listen, e.g. "--prometheus-port: cannot listen on 127.0.0.1:9464: address already in use (EADDRINUSE)". */
export class PrometheusListenError extends VolleyError {
  override name = 'PrometheusListenError';
  override readonly code: string = 'VOLLEY_PROMETHEUS_LISTEN';
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    const reason =
      typeof code === 'string'
        ? `${REASONS[code] ?? 'failed'} (${code})`
        : String((cause as Error)?.message ?? cause);
    super(`--prometheus-port: cannot listen on ${host}:${port}: ${reason}`, { cause });
  }
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'unknown host',
};
