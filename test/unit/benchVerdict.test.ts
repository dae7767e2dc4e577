import { strict as assert } from 'node:assert';
import { test } from 'node:test';

// The bench is plain JavaScript (scripts/bench/measure.js), run by node without compiling.
const { addedCpuVerdict } = require('../../../scripts/bench/measure') as {
  addedCpuVerdict: (idle: number[], following: number[], limit: number) => string;
};

test('P5: one window each is never judged, whatever it shows', () => {
  assert.match(addedCpuVerdict([6.38], [5.2], 1), /^not judged, one window each: -1\.18 points/);
  assert.match(addedCpuVerdict([1], [1.5], 1), /^not judged/);
});

test('P5: a difference within the run-to-run spread is noise, negative or not', () => {
  assert.match(addedCpuVerdict([5.0, 6.4, 5.5], [5.2, 5.3, 5.9], 1), /^within noise: -0\.20 points \(medians\), run-to-run spread 1\.40$/);
  assert.match(addedCpuVerdict([5.0, 5.4, 5.5], [5.2, 5.8, 5.9], 1), /^within noise: \+0\.40/);
});

test('P5: met or not met only from a difference larger than the spread', () => {
  assert.match(addedCpuVerdict([5.0, 5.1, 5.2], [5.6, 5.7, 5.8], 1), /^met: \+0\.60 points/);
  assert.match(addedCpuVerdict([5.0, 5.1, 5.2], [7.0, 7.1, 7.2], 1), /^NOT met: \+2\.00 points/);
  assert.match(addedCpuVerdict([6.0, 6.1, 6.2], [5.0, 5.1, 5.2], 1), /^not judged, following used less than idle/);
});
