import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** uPlot's script and style, inlined into the HTML report so that it works offline from disk. */
export interface ChartAssets {
  script: string;
  css: string;
}

const require = createRequire(import.meta.url);

/** Reads the installed uPlot (a dependency) at report time. */
export async function loadChartAssets(): Promise<ChartAssets> {
  const [script, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { script, css };
}
