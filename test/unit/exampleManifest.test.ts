import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { inLanguage, loadExampleManifest, parseExampleManifest } from '../../src/core/examples/exampleManifest';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

test('the shipped manifest lists every example file, each in both languages', () => {
  const examples = loadExampleManifest(EXAMPLES);
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.py')).sort();
  assert.deepEqual(examples.map((e) => e.file).sort(), files);
  for (const example of examples) {
    // A lesson's section, or none for the programs ProcLens adds to it (why is it stuck?).
    assert.match(example.section, /^(§\d+)?$/);
    assert.ok(example.title.en && example.title['zh-cn'] && example.expect.en && example.expect['zh-cn'], example.id);
    assert.ok(!example.needs || examples.some((e) => e.id === example.needs), `${example.id} needs a known example`);
  }
});

test('Chinese for any Chinese display language, English otherwise', () => {
  const text = { en: 'Start', 'zh-cn': '开启' };
  assert.equal(inLanguage(text, 'zh-cn'), '开启');
  assert.equal(inLanguage(text, 'zh-CN'), '开启');
  assert.equal(inLanguage(text, 'en'), 'Start');
  assert.equal(inLanguage(text, 'de'), 'Start');
});

test('a broken manifest says which entry and field are wrong', () => {
  assert.throws(() => parseExampleManifest({}), /no "examples" list/);
  assert.throws(() => parseExampleManifest({ examples: [{ id: 'a', file: 'a.py' }] }), /example 1: "section" must be text/);
  assert.throws(
    () => parseExampleManifest({ examples: [{ id: 'a', file: 'a.py', section: '§1', sectionTitle: { en: 'x' } }] }),
    /example 1: sectionTitle needs "en" and "zh-cn"/,
  );
});
