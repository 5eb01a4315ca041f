import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** A file the UI serves from an installed package (never from a CDN: the UI works offline). */
export interface PackageAsset {
  contentType: string;
  /** Resolved lazily; throws when the package is missing. */
  load(): Promise<string>;
}

const require = createRequire(import.meta.url);

function packageFile(specifier: string, contentType: string): PackageAsset {
  let cached: Promise<string> | undefined;
  return {
    contentType,
    load() {
      cached ??= readFile(require.resolve(specifier), 'utf8');
      return cached;
    },
  };
}

/** uPlot for the charts tab, served from node_modules. */
export const PACKAGE_ASSETS: Readonly<Record<string, PackageAsset>> = {
  '/assets/uplot.js': packageFile('uplot/dist/uPlot.iife.min.js', 'text/javascript; charset=utf-8'),
  '/assets/uplot.css': packageFile('uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'),
};
