import { test } from 'node:test';
import fc from 'fast-check';
import { runCase } from './modelProperties/replay';

// The process model against random programs (see modelProperties/): a fixed seed, so a failure
// here reproduces; scripts/fuzz.js runs many more cases with a fresh seed each night.
const SEED = 42;
const RUNS = 3000;

test(`model properties: ${RUNS} cases, seed ${SEED}`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(0xffff), { maxLength: 1200, size: 'max' }), async (values) => {
      const outcome = await runCase(values);
      if (outcome.violations.length) {
        throw new Error(`${outcome.violations.join('\n')}\n${outcome.story()}`);
      }
    }),
    // No shrinking here: a failing case is reported at once with its seed and path, and
    // scripts/fuzz.js (which does shrink) reproduces and minimises it.
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
});
