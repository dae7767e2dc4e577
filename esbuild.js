// One build script for the extension and the CLI: `--watch` rebuilds, `--production` minifies.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const shared = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  external: ['vscode'],
  logLevel: 'info',
  // ps-list is ESM and reads import.meta.url at load time, which CommonJS has no value for. It is
  // computed when read (ps-list loads only where it is used): at start-up it cost about 0.5 ms.
  define: { 'import.meta.url': 'importMeta.url' },
  banner: { js: "const importMeta = { get url() { return require('url').pathToFileURL(__filename).href; } };" },
};

const builds = [
  { ...shared, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...shared, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + shared.banner.js } },
];

/**
 * On Windows ps-list runs its helper, fastlist, from `vendor/` beside its own module file. Once
 * bundled, that file is the bundle (see the import.meta.url banner), so the helper goes to dist/vendor.
 */
function copyPsListHelpers() {
  const from = path.join(path.dirname(require.resolve('ps-list')), 'vendor');
  const to = path.join(__dirname, 'dist', 'vendor');
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from).filter((file) => file.endsWith('.exe'))) {
    fs.copyFileSync(path.join(from, name), path.join(to, name));
  }
}

async function main() {
  copyPsListHelpers();
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
