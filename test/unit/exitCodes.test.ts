import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exitCodeFromWaitStatus, signalOfExitCode } from '../../src/core/model/exitCodes';
import { describeExitCode } from '../../src/core/present/exitCodeText';

test('names the signal behind a negative exit code', () => {
  assert.equal(signalOfExitCode(-15), 'SIGTERM');
  assert.equal(signalOfExitCode(-9), 'SIGKILL');
  assert.equal(signalOfExitCode(0), undefined);
  assert.equal(signalOfExitCode(1), undefined);
  assert.equal(signalOfExitCode(null), undefined);
});

test('says what an exit code means', () => {
  assert.equal(describeExitCode(-15), 'ended by SIGTERM (terminate)');
  assert.equal(describeExitCode(-9), 'ended by SIGKILL (kill)');
  assert.equal(describeExitCode(0), 'success');
  assert.match(describeExitCode(1), /exception/);
  assert.equal(describeExitCode(3), 'failed with code 3');
  assert.equal(describeExitCode(null), 'exit code unknown');
  assert.equal(describeExitCode(undefined), 'still running');
});

test('decodes waitpid statuses as /proc shows them for zombies', () => {
  assert.equal(exitCodeFromWaitStatus(768), 3, 'exit(3)');
  assert.equal(exitCodeFromWaitStatus(0), 0);
  assert.equal(exitCodeFromWaitStatus(15), -15, 'killed by SIGTERM');
  assert.equal(exitCodeFromWaitStatus(9 | 0x80), -9, 'SIGKILL with a core-dump bit');
});
