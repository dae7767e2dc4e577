import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

// On Windows ps-list runs a helper executable, fastlist, from `vendor/` next to its own module.
// Bundled, "its own module" is our bundle, so the build must put the helper in dist/vendor and
// the VSIX must ship it. These checks read the build output: run them after the build step.
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BUNDLES = ['dist/extension.js', 'dist/cli.js'];
const PS_LIST_VENDOR = path.join(path.dirname(require.resolve('ps-list')), 'vendor');

interface Vsce {
  listFiles(options: { cwd: string; packageManager: unknown }): Promise<string[]>;
  PackageManager: { None: unknown };
}

function helpersNamedIn(bundle: string): string[] {
  return [...new Set(bundle.match(/fastlist-[\w.-]+\.exe/g) ?? [])];
}

for (const file of BUNDLES) {
  test(`${file} looks for fastlist in vendor/ beside itself, and it is there`, () => {
    const bundle = fs.readFileSync(path.join(ROOT, file), 'utf8');
    // ps-list: __dirname = dirname(fileURLToPath(import.meta.url)); the build defines import.meta.url as the bundle's own URL.
    const folder = /([\w$]+)\s*=\s*[\w$.]+\.dirname\(\(0,\s*[\w$.]+\.fileURLToPath\)\(importMeta\.url\)\)/.exec(bundle)?.[1];
    assert.ok(folder, 'ps-list no longer derives its folder from import.meta.url: see how it finds fastlist now');
    assert.match(bundle, new RegExp(`\\.join\\(${folder.replace(/\$/g, '\\$')},\\s*"vendor",`), 'ps-list no longer looks in vendor/');
    const names = helpersNamedIn(bundle);
    assert.ok(names.some((n) => n.endsWith('-x64.exe')), `no x64 helper named in ${file}`);
    for (const name of names) {
      const shipped = path.join(ROOT, path.dirname(file), 'vendor', name);
      assert.ok(fs.existsSync(shipped), `${file} would run vendor/${name}, which the build did not copy`);
      assert.ok(fs.readFileSync(shipped).equals(fs.readFileSync(path.join(PS_LIST_VENDOR, name))), `vendor/${name} differs from ps-list's`);
    }
  });
}

test('the VSIX keeps every fastlist binary that the bundles name', async () => {
  const vsce = require('@vscode/vsce') as Vsce;
  const packaged = new Set(await vsce.listFiles({ cwd: ROOT, packageManager: vsce.PackageManager.None }));
  const names = BUNDLES.flatMap((file) => helpersNamedIn(fs.readFileSync(path.join(ROOT, file), 'utf8')));
  assert.ok(names.length > 0);
  for (const name of names) {
    assert.ok(packaged.has(`dist/vendor/${name}`), `.vscodeignore drops dist/vendor/${name}`);
  }
});
