/** Architecture rules: data flows one way and the pure parts stay pure (see README, "Architecture"). */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles are what Nest reports as "cannot resolve dependencies at index [0]".',
      from: {},
      to: { circular: true },
    },
    {
      name: 'extraction-is-pure',
      severity: 'error',
      comment: 'extract(html, url) runs in workers, unit tests and benchmarks: no Nest, no other feature, no I/O.',
      from: { path: '^src/extraction/' },
      to: {
        path: ['^node_modules/@nestjs/', '^src/(?!extraction/)', '^(node:)?(fs|net|http|https|dns|child_process)$'],
      },
    },
    {
      name: 'extraction-does-not-know-previews',
      severity: 'error',
      from: { path: '^src/(extraction|fetcher|cache|common|config)/' },
      to: { path: '^src/previews/' },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      comment: 'main.ts is the entry point; share code through app.factory.ts instead.',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'fetcher-is-infrastructure',
      severity: 'error',
      comment: 'The fetcher is the only way out to the network and depends on no feature module.',
      from: { path: '^src/fetcher/' },
      to: { path: '^src/(previews|oembed|cache|extraction)/' },
    },
    {
      name: 'common-is-shared',
      severity: 'error',
      comment: 'common/ is used by features, never the other way round.',
      from: { path: '^src/common/' },
      to: { path: '^src/(previews|oembed|cache|fetcher|extraction|health|metrics)/' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '(^test/|\\.spec\\.ts$)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
