'use strict';
// Terminating a followed process (one ProcLens did not start) and killing need a person's yes. The question goes through
// the API's testSeams.ask (a modal cannot be answered from the extension host); what the
// tests check is that nothing a caller passes to the command answers it in their place.

const assert = require('assert');
const { spawn } = require('child_process');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

describe('confirmations cannot be skipped by the caller', function () {
  this.timeout(60000);
  let api;
  let realAsk;
  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
    realAsk = api.testSeams.ask;
  });
  afterEach(() => {
    api.testSeams.ask = realAsk;
  });

  /** Answers every question with `answer(buttons)` and records the questions. */
  const answering = (answer) => {
    const asked = [];
    api.testSeams.ask = async (message, ...buttons) => (asked.push(message), answer(buttons));
    return asked;
  };

  it('terminate on a followed process with { confirmed: true } still asks, and sends nothing when dismissed', async () => {
    const outsider = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const run = await vscode.commands.executeCommand('proclens.attach', outsider.pid);
      const top = api.tracker.model.get(run.topKey);
      const asked = answering(() => undefined);
      for (const command of ['proclens.terminate', 'proclens.terminateTree', 'proclens.kill']) {
        const result = await vscode.commands.executeCommand(command, top, { confirmed: true });
        assert.strictEqual(result, undefined, `${command} sent nothing`);
      }
      assert.strictEqual(asked.length, 3, 'each command asked');
      assert.ok(asked.every((m) => m.includes(`PID ${outsider.pid}`)), asked.join('\n'));
      assert.strictEqual(alive(outsider.pid), true);
    } finally {
      outsider.kill('SIGKILL');
    }
  });

  it('kill with { confirmed: true } still asks; only the answer "Kill" kills', async () => {
    process.env.PROCLENS_ECHO_PORT = '0';
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's07_socket_server');
    try {
      const model = api.tracker.model;
      const top = await until('the server to run', () => {
        const candidate = model.get(model.run(runId).topKey);
        return candidate?.python && candidate.state === 'running' && candidate;
      });
      const asked = answering(() => undefined);
      assert.strictEqual(await vscode.commands.executeCommand('proclens.kill', top, { confirmed: true }), undefined);
      assert.strictEqual(asked.length, 1);
      assert.match(asked[0], new RegExp(`PID ${top.pid}.*SIGKILL`));
      assert.strictEqual(alive(top.pid), true, 'not killed without an answer');

      answering((buttons) => buttons[0]);
      const [result] = await vscode.commands.executeCommand('proclens.kill', top);
      assert.strictEqual(result.outcome, 'sent');
      await until('the run to finish', () => api.tracker.model.run(runId).state === 'finished');
      assert.deepStrictEqual([top.exitCode, top.signal], [-9, 'SIGKILL']);
    } finally {
      await api.sessions.stop(runId);
    }
  });
});
