import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { decodeTracerLine } from '../../src/core/protocol/tracerEvents';
import { EARLIER_LINES, REAL_LINES } from '../unit/tracerLines';
import { skipUnless, START_METHODS, testInterpreters } from './engineHelpers';
import { everyEvent, recordTracerLines } from './tracerLines';

const KINDS = ['hello', 'start', 'boot', 'exit', 'rename', 'join', 'signal', 'reaped', 'thread', 'thread-end', 'wait', 'woke', 'stacks'];

/** A line's keys in order and its values' types, nested: what "the same format" means here. */
const shape = (value: unknown): unknown =>
  Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? Object.entries(value).map(([k, v]) => [k, shape(v)]) : typeof value;
const shapeOf = (line: string) => JSON.stringify(shape(JSON.parse(line)));
/** The same, as the list of a line's top-level fields: a line of an earlier tracer has the first of them. */
const fieldsOf = (line: string): string[] => (shape(JSON.parse(line)) as unknown[]).map((field) => JSON.stringify(field));
const startsLike = (earlier: string, line: string) => {
  const [before, now] = [fieldsOf(earlier), fieldsOf(line)];
  return JSON.parse(earlier).e === JSON.parse(line).e && before.length < now.length && before.every((field, i) => field === now[i]);
};

for (const python of testInterpreters()) {
  const linuxOnly = process.platform !== 'linux' && 'needs Linux: every kind of line includes the stack-dump signal, a real-time signal';
  describe(`the tracer's lines under Python ${python.label}`, { concurrency: 3, skip: linuxOnly || skipUnless(python) }, () => {
    for (const method of START_METHODS) {
      test(`every line of a real ${method} run decodes; the unit tests' lines have the shape the tracer writes`, async () => {
        const { code, stderr, lines } = await recordTracerLines(everyEvent(python.path!, method));
        assert.equal(code, 0, stderr);
        const refused = lines.map((line) => ({ line, decoded: decodeTracerLine(line) })).filter(({ decoded }) => !decoded.ok);
        assert.deepEqual(refused, [], 'no malformed line');
        assert.deepEqual([...new Set(lines.map((l) => JSON.parse(l).e))].sort(), [...KINDS].sort(), 'every kind was sent');
        const shapes = new Set(lines.map(shapeOf));
        for (const [name, literal] of Object.entries(REAL_LINES)) {
          if (EARLIER_LINES.has(name as keyof typeof REAL_LINES)) {
            assert.ok(lines.some((line) => startsLike(literal, line)), `REAL_LINES.${name} is no longer the start of a line the tracer writes`);
          } else {
            assert.ok(shapes.has(shapeOf(literal)), `REAL_LINES.${name} in test/unit/tracerLines.ts no longer looks like what the tracer writes: regenerate it`);
          }
        }
      });
    }
  });
}
