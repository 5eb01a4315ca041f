/**
 * volley's dependency rules, checked by `npm test` (dependency-cruiser): no import cycles, and the layers
 * point one way. Each layer may import the layers below it, never one above:
 *
 *   cli → web / record / trace / cluster → engine → script → http / report → metrics
 *
 * Peers in one row do not import each other. demo (the reference API) is a leaf app that only the CLI
 * uses. src/errors.ts, src/log.ts, src/terminal-text.ts and src/version.ts import nothing but each other, so every
 * layer may use them; trace may import record (it builds on its redaction and HAR helpers);
 * src/index.ts and src/node.ts are the public entry points and may import any layer.
 */
const LAYERS = [
  ['cli'],
  ['web', 'record', 'trace', 'cluster'],
  ['engine'],
  ['script'],
  ['http', 'report'],
  ['metrics'],
];

const folder = (names) => `^src/(${names.join('|')})/`;

/** For each layer: it must not import any layer above it, nor a peer in its row. */
const layerRules = LAYERS.flatMap((row, i) => {
  const above = LAYERS.slice(0, i).flat();
  return row.map((layer) => {
    const forbidden = [
      ...above,
      // trace builds on record (its redaction, HAR and divergence helpers), never the other way.
      ...row.filter((peer) => peer !== layer && !(layer === 'trace' && peer === 'record')),
      ...(layer === 'cli' ? [] : ['demo']),
    ];
    return {
      name: `layer-${layer}`,
      comment: `src/${layer}/ may not import ${forbidden.join(', ')} (layers point one way; see docs/architecture.md)`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: folder(forbidden) },
    };
  });
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: move what both sides need into a module below them.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'demo-is-a-leaf-app',
      comment:
        'src/demo/ is used by the CLI only; it imports nothing of volley but the dependency-free root modules.',
      severity: 'error',
      from: { path: '^src/demo/' },
      to: { path: folder(LAYERS.flat()) },
    },
    {
      name: 'root-modules-import-nothing',
      comment:
        'src/errors.ts, src/log.ts, src/terminal-text.ts and src/version.ts are imported by every layer, so they import nothing of volley but each other.',
      severity: 'error',
      from: { path: '^src/(errors|log|version|terminal-text)\\.ts$' },
      to: { path: '^src/(?!(errors|log|version|terminal-text)\\.ts$)' },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
