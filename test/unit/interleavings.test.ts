import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isInterleaving, Scenario } from '../engine/interleavings';

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

test('a process cut short by a signal may stop between any two writes, and at no other point', () => {
  const killed: Scenario = [[{ who: 'main', prints: [['主程序']] }, { who: 'egon', prints: [['egon is piaoling'], ['egon piao end']], mayBeCut: true }]];
  for (const output of ['主程序\n', 'egon is piaoling主程序\n', '主程序\negon is piaoling\n', '主程序\negon is piaoling\negon piao end\n']) {
    assert.ok(isInterleaving(output, killed, 'pieces'), output);
  }
  assert.equal(isInterleaving('主程序\negon is pi', killed, 'pieces'), false, 'a write is never split');
  assert.equal(isInterleaving('egon is piaoling主程序\n', killed, 'whole'), false);
  assert.equal(isInterleaving('主程序\negon piao end\n', killed, 'pieces'), false, 'its lines stay in order');
});
