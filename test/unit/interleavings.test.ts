import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isInterleaving, killedBefore, killedWithin, matchInterleaving, printed, Race, Scenario } from '../engine/interleavings';

// The checker the examples' engine test relies on: it must refuse as readily as it accepts.
const twoChildren: Scenario = [
  [
    { who: 'egon', prints: [['egon piaoing'], ['egon piao end']] },
    { who: 'alex', prints: [['alex piaoing'], ['alex piao end']] },
  ],
  [{ who: 'main', prints: [['主线程']] }],
];

test('any order between processes, each process in its own order, stages one after another', () => {
  assert.ok(isInterleaving('alex piaoing\negon piaoing\negon piao end\nalex piao end\n主线程\n', twoChildren, 'whole'));
  assert.equal(isInterleaving('egon piao end\negon piaoing\nalex piaoing\nalex piao end\n主线程\n', twoChildren, 'whole'), false, 'own order');
  assert.equal(isInterleaving('egon piaoing\nalex piaoing\n主线程\negon piao end\nalex piao end\n', twoChildren, 'whole'), false, 'stage order');
  assert.equal(isInterleaving('egon piaoing\nalex piaoing\negon piao end\nalex piao end\n', twoChildren, 'whole'), false, 'a missing line');
  assert.equal(isInterleaving('egon piaoing\nalex piaoing\negon piao end\nalex piao end\n主线程\n主线程\n', twoChildren, 'whole'), false, 'an extra line');
  assert.equal(isInterleaving('egon piaoing\nalex piaoing\negon piao end\nalex piao end\n主线程', twoChildren, 'whole'), false, 'a lost newline');
});

test('unbuffered, another process may write between a print’s text and its newline; buffered it may not', () => {
  const output = 'egon piaoingalex piaoing\n\negon piao end\nalex piao end\n主线程\n';
  assert.ok(isInterleaving(output, twoChildren, 'pieces'));
  assert.equal(isInterleaving(output, twoChildren, 'whole'), false);
  const args: Scenario = [[{ who: 'main', prints: [['PID', /\d+/]] }, { who: 'child', prints: [['hi']] }]];
  assert.ok(isInterleaving('PIDhi\n 4242\n', args, 'pieces'), 'each argument and separator is a write');
  assert.equal(isInterleaving('PID 42x\nhi\n', args, 'pieces'), false);
});

test('a racy print comes out as one of its outcomes, and after a kill nothing more of that process', () => {
  const firstLine: Race = {
    line: "egon: print('egon is piaoling')",
    outcomes: [printed(['egon is piaoling'], 'it got there'), killedBefore('killed first'), killedWithin(['egon is piaoling'], 'killed between two writes')],
  };
  const killed: Scenario = [[{ who: 'main', prints: [['主程序']] }, { who: 'egon', prints: [firstLine, ['egon piao end']] }]];
  for (const output of ['主程序\n', 'egon is piaoling主程序\n', '主程序\negon is piaoling', '主程序\negon is piaoling\negon piao end\n']) {
    assert.ok(isInterleaving(output, killed, 'pieces'), output);
  }
  assert.equal(isInterleaving('主程序\negon is pi', killed, 'pieces'), false, 'a write is never split');
  assert.equal(isInterleaving('egon is piaoling主程序\n', killed, 'whole'), false, 'buffered, a print is one write: never cut within');
  assert.equal(isInterleaving('主程序\negon piao end\n', killed, 'pieces'), false, 'nothing after a kill');
  assert.equal(isInterleaving('主程序\negon is piaoling\n', killed, 'pieces'), false, 'printed whole, it is not killed: its next line follows');
  assert.equal(isInterleaving('主程序\negon is piaolingegon piao end\n', killed, 'pieces'), false, 'a cut print is the last');
});

test('a race takes only its declared values, and the match names the one it took', () => {
  const isAlive: Race = { line: 'print(p.is_alive())', outcomes: [printed(['True'], 'not dead yet'), printed(['False'], 'dead already')] };
  const scenario: Scenario = [[{ who: 'main', prints: [isAlive] }], [{ who: 'main', prints: [['False']] }]];
  assert.equal(matchInterleaving('True\nFalse\n', scenario, 'whole')?.get(isAlive), isAlive.outcomes[0]);
  assert.equal(matchInterleaving('False\nFalse\n', scenario, 'whole')?.get(isAlive), isAlive.outcomes[1]);
  assert.equal(matchInterleaving('None\nFalse\n', scenario, 'whole'), undefined, 'a value the race does not name');
  assert.equal(matchInterleaving('False\n', scenario, 'whole'), undefined, 'a printed value is never also killed');
});
