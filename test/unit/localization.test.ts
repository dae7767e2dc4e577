import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

// Many of ProcLens's users read Simplified Chinese, so every word it shows must exist in
// zh-cn. A string added in English only fails here, not silently in front of a learner.

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The part of scripts/l10n.js used here: plain JavaScript, so typed by hand. */
interface Extractor {
  extractMessages(root?: string): { messages: string[]; problems: string[] };
  bundleFor(messages: readonly string[]): Record<string, string>;
  bundleText(bundle: Record<string, string>): string;
  BUNDLE: string;
}
const extractor = require(path.join(ROOT, 'scripts', 'l10n.js')) as Extractor;

type Strings = Record<string, string>;
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const readStrings = (file: string) => readJson(file) as Strings;

const nls = readStrings('package.nls.json');
const nlsZh = readStrings('package.nls.zh-cn.json');
const bundle = readStrings(extractor.BUNDLE);
const bundleZh = readStrings('l10n/bundle.l10n.zh-cn.json');

/** Keys of `expected` that `actual` lacks or leaves empty, and keys of `actual` that `expected` has not. */
function keyGaps(expected: Strings, actual: Strings) {
  return {
    missing: Object.keys(expected).filter((key) => typeof actual[key] !== 'string' || actual[key].trim() === ''),
    extra: Object.keys(actual).filter((key) => !(key in expected)),
  };
}

/**
 * What must survive translation unchanged: `{0}` placeholders (the arguments), the targets
 * of `[label](command:…)` links (they run commands) and `$(icon)` codicons. As a sorted
 * set: Chinese word order may name `{1}` twice, but must drop and invent none.
 */
function fixedParts(text: string): string[] {
  const placeholders = text.match(/\{\d+\}/g) ?? [];
  const links = [...text.matchAll(/\]\((command:[^)\s]*)\)/g)].map((m) => m[1]);
  const codicons = text.match(/\$\([a-z0-9-]+(~[a-z]+)?\)/g) ?? [];
  return [...new Set([...placeholders, ...links, ...codicons])].sort();
}

/**
 * Names that read the same in Chinese: the product, and the words Python and the OS print
 * (a learner matches them against their program's output). English with no other letter,
 * like `PID {0}` or `CPU`, may stay as it is; everything else must become Chinese.
 */
const SAME_IN_EVERY_LANGUAGE = ['ProcLens', 'multiprocessing.Process', 'Python', 'PID', 'CPU', 'SIGTERM', 'SIGKILL'];

function needsChinese(english: string): boolean {
  let rest = english.replace(/\{\d+\}|\]\(command:[^)]*\)|\$\([^)]*\)/g, ' ');
  for (const name of SAME_IN_EVERY_LANGUAGE) {
    rest = rest.split(name).join(' ');
  }
  return /\p{L}/u.test(rest);
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** Both kinds of translation: the manifest's (package.nls) and the runtime's (l10n bundle). */
const TRANSLATIONS: Array<{ file: string; english: Strings; chinese: Strings }> = [
  { file: 'package.nls.zh-cn.json', english: nls, chinese: nlsZh },
  { file: 'l10n/bundle.l10n.zh-cn.json', english: bundle, chinese: bundleZh },
];

test('(a) package.nls.zh-cn.json translates every key of package.nls.json, and nothing else', () => {
  assert.deepEqual(keyGaps(nls, nlsZh), { missing: [], extra: [] });
});

test('(b) every %key% in package.json is defined in package.nls.json', () => {
  // VS Code replaces a string value only when the whole value is one %key%.
  const used = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = /^%([^%\s]+)%$/.exec(value);
      if (match) {
        used.add(match[1]);
      }
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  walk(readJson('package.json'));
  assert.ok(used.size > 0, 'package.json uses no %key% at all: is the walk broken?');
  assert.deepEqual([...used].filter((key) => !(key in nls)).sort(), []);
});

test('(c) l10n/bundle.l10n.json holds exactly the messages src/ passes to t() (run `node scripts/l10n.js`)', () => {
  const { messages, problems } = extractor.extractMessages(ROOT);
  assert.ok(messages.length > 0, 'the extractor found no message at all: is it broken?');
  const added = messages.filter((m) => !(m in bundle));
  const removed = Object.keys(bundle).filter((m) => !messages.includes(m));
  assert.deepEqual({ added, removed }, { added: [], removed: [] });
  // Same messages may still differ in order or in a value edited by hand.
  assert.deepEqual(Object.entries(bundle), Object.entries(extractor.bundleFor(messages)));
  // And byte for byte, so `node scripts/l10n.js --check` agrees with this test.
  assert.equal(fs.readFileSync(path.join(ROOT, extractor.BUNDLE), 'utf8'), extractor.bundleText(extractor.bundleFor(messages)));
  // t(variable) cannot be looked up in any bundle: the text would stay English.
  assert.deepEqual(problems, []);
});

test('(d) l10n/bundle.l10n.zh-cn.json translates every runtime message, and no stale one', () => {
  assert.deepEqual(keyGaps(bundle, bundleZh), { missing: [], extra: [] });
});

test('(e) translations keep the same {0} placeholders, command-link targets and codicons', () => {
  const wrong: string[] = [];
  for (const { file, english, chinese } of TRANSLATIONS) {
    for (const [key, text] of Object.entries(english)) {
      if (key in chinese && JSON.stringify(fixedParts(text)) !== JSON.stringify(fixedParts(chinese[key]))) {
        wrong.push(`${file} ${JSON.stringify(key)}: ${JSON.stringify(fixedParts(text))} became ${JSON.stringify(fixedParts(chinese[key]))}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('(f) translations are in Chinese unless the English is only names and numbers', () => {
  const untranslated: string[] = [];
  for (const { file, english, chinese } of TRANSLATIONS) {
    for (const [key, text] of Object.entries(english)) {
      // Missing or empty ones are (a)'s and (d)'s to report.
      if (chinese[key]?.trim() && needsChinese(text) && !CJK.test(chinese[key])) {
        untranslated.push(`${file} ${JSON.stringify(key)}: ${JSON.stringify(chinese[key])}`);
      }
    }
  }
  assert.deepEqual(untranslated, []);
});

test('the checks themselves tell right from wrong', () => {
  assert.deepEqual(fixedParts('[Run: a](command:proclens.runExample?%22a%22) {1} $(play) {0} {1}'), [
    '$(play)',
    'command:proclens.runExample?%22a%22',
    '{0}',
    '{1}',
  ]);
  assert.equal(needsChinese('PID {0}'), false);
  assert.equal(needsChinese('ProcLens'), false);
  assert.equal(needsChinese('PID {0} is gone'), true);
  assert.deepEqual(keyGaps({ a: 'A', b: 'B' }, { a: ' ', c: 'C' }), { missing: ['a', 'b'], extra: ['c'] });
});
