import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

// Where package.json puts ProcLens in VS Code's own places: menus shared with other
// extensions, the marketplace's categories. Mistakes here show in nobody's test run,
// only in a user's editor or in a marketplace search.

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  categories: string[];
  keywords: string[];
  contributes: {
    commands: Array<{ command: string; title: string }>;
    menus: Record<string, MenuItem[]>;
    debuggers?: unknown[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
const titleOf = (command: string) => {
  const title = manifest.contributes.commands.find((c) => c.command === command)?.title ?? '';
  return nls[title.slice(1, -1)] ?? title;
};

test('Run Python File sits in the editor title run menu, after the Python extension, and nowhere else in the title', () => {
  const run = (manifest.contributes.menus['editor/title/run'] ?? []).filter((m) => m.command === 'proclens.runFile');
  assert.equal(run.length, 1, 'one entry for proclens.runFile in editor/title/run');
  assert.match(run[0].when ?? '', /resourceLangId == python/);
  assert.match(run[0].when ?? '', /isWorkspaceTrusted/);
  // The Python extension's Run Python File is navigation@0 (and its debugger's navigation@1):
  // theirs stays first, so it stays the button's default until a person picks ours.
  const order = /^navigation@(\d+)$/.exec(run[0].group ?? '');
  assert.ok(order && Number(order[1]) > 1, `group ${run[0].group} must come after navigation@1`);
  // A second, identical ▶ beside the run button is what this replaced.
  assert.deepEqual((manifest.contributes.menus['editor/title'] ?? []).filter((m) => m.command === 'proclens.runFile'), []);
  // In the run button's drop-down it stands among other "Run Python File" entries: say whose it is.
  assert.match(titleOf('proclens.runFile'), /ProcLens/);
});

// The values the marketplace accepts (the extension manifest reference, `categories`).
const MARKETPLACE_CATEGORIES = [
  'Programming Languages', 'Snippets', 'Linters', 'Themes', 'Debuggers', 'Formatters', 'Keymaps',
  'SCM Providers', 'Other', 'Extension Packs', 'Language Packs', 'Data Science', 'Machine Learning',
  'Visualization', 'Notebooks', 'Education', 'Testing',
];

test('categories are the marketplace\'s own, and Debuggers only with a debugger', () => {
  assert.ok(manifest.categories.length > 0);
  for (const category of manifest.categories) {
    assert.ok(MARKETPLACE_CATEGORIES.includes(category), `"${category}" is not a marketplace category`);
  }
  // ProcLens shows processes and stacks without a debug adapter: under Debuggers a searcher would find no debugger.
  assert.equal(manifest.categories.includes('Debuggers'), Boolean(manifest.contributes.debuggers?.length));
});

test('keywords: what a searcher types, each once, in English and Chinese', () => {
  const lower = manifest.keywords.map((k) => k.toLowerCase());
  assert.equal(new Set(lower).size, lower.length, 'a keyword twice');
  for (const word of ['python', 'multiprocessing', 'process tree', 'zombie', '进程', '多进程']) {
    assert.ok(lower.includes(word), `keyword "${word}"`);
  }
});

test('the command that follows a running process by the OS scan does not call itself attaching (no debugger attaches)', () => {
  const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
  assert.match(titleOf('proclens.attach'), /^Follow\b/);
  assert.doesNotMatch(titleOf('proclens.attach'), /attach/i);
  assert.doesNotMatch(zh['command.attach'], /附加/);
});
