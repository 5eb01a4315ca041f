import { OptionError } from '../engine/option-error.ts';
import type { PrometheusExporter } from '../report/reporters/prometheus.ts';
import type { VolleyOptions } from '../script/options.ts';

/**
 * The exporter --prometheus-port asks for (not listening yet), or null without it. Loaded on demand:
 * prom-client is only needed then. `serveAcrossRuns`: the web UI's, serving every run it starts.
 */
export async function prometheusExporterFor(
  options: VolleyOptions,
  serveAcrossRuns: boolean,
): Promise<PrometheusExporter | null> {
  const port = options.prometheusPort;
  if (port === undefined) return null;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionError(`--prometheus-port: expected a port 0..65535, got ${port}`);
  }
  const { PrometheusExporter } = await import('../report/reporters/prometheus.ts');
  return new PrometheusExporter({ port, host: options.prometheusHost ?? '127.0.0.1', serveAcrossRuns });
}
