import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { EXPIRY_STEP_MS, HighlightExpiry } from '../../src/vscode/views/highlightExpiry';

// When the Processes view's start and exit highlights run out: each redraw is a round trip to the workbench.

test('100 starts within 1.5 s lose their colour in a few redraws, none before its time nor more than a step after', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const batches: Array<{ at: number; keys: string[] }> = [];
  const expiry = new HighlightExpiry((keys) => batches.push({ at: now, keys }), () => now);
  t.after(() => expiry.dispose());
  const until = new Map<string, number>();
  for (let i = 0; i < 100; i++) {
    // As a burst's children reach the model: 15 ms apart, each highlighted for 3 s.
    until.set(`r:${1000 + i}`, 3_000 + i * 15);
    expiry.highlight(`r:${1000 + i}`, until.get(`r:${1000 + i}`)!);
  }
  for (; now < 6_000; now += 5) {
    t.mock.timers.tick(5);
  }
  const expired = batches.flatMap((b) => b.keys);
  assert.deepEqual(expired.sort(), [...until.keys()].sort(), 'each once');
  for (const { at, keys } of batches) {
    for (const key of keys) {
      assert.ok(at >= until.get(key)!, `${key} not before its time`);
      assert.ok(at <= until.get(key)! + EXPIRY_STEP_MS + 10, `${key} at most a step late`);
    }
  }
  assert.ok(batches.length <= Math.ceil(1_500 / EXPIRY_STEP_MS) + 1, `${batches.length} redraws`);
});

test('a highlight alone runs out on time', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const batches: Array<{ at: number; keys: string[] }> = [];
  const expiry = new HighlightExpiry((keys) => batches.push({ at: now, keys }), () => now);
  t.after(() => expiry.dispose());
  expiry.highlight('r:1', 3_000);
  for (; now < 4_000; now += 5) {
    t.mock.timers.tick(5);
  }
  assert.equal(batches.length, 1);
  assert.deepEqual(batches[0].keys, ['r:1']);
  assert.ok(batches[0].at >= 3_000 && batches[0].at <= 3_020, `at ${batches[0].at}`);
});
