'use strict';
// The extension in a real extension host: its commands drive real Python processes.

const assert = require('assert');
const net = require('net');
const path = require('path');
const vscode = require('vscode');
const { alive, until } = require('./helpers');

const manifest = require('../../../package.json');



describe('ProcLens extension', function () {
  this.timeout(60000);
  let api;
  const model = () => api.tracker.model;
  const children = (runId) => model().processesOf(runId).filter((p) => p.kind === 'mp-child');
  const finished = (runId) => until(`run ${runId} to finish`, () => model().run(runId).state === 'finished' && model().run(runId));

  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });

  it('registers every command it contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, []);
  });

  it('runs §6 from proclens.runExample: four children Process-1..Process-4, all exit 0', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's06_start_four_processes');
    assert.ok(runId, 'a run was started');
    const run = await finished(runId);
    assert.strictEqual(run.exitCode, 0);
    const kids = children(runId);
    assert.deepStrictEqual(kids.map((p) => p.name).sort(), ['Process-1', 'Process-2', 'Process-3', 'Process-4']);
    assert.deepStrictEqual(kids.map((p) => p.exitCode), [0, 0, 0, 0]);
    const item = api.processesView.getTreeItem(kids[0]);
    assert.match(item.description, /^PID \d+ · exited 0 · \d\.\d s$/);
    assert.strictEqual(item.contextValue, 'process.exited.source');
  });

  it('proclens.terminate ends a live child: exited −15 (SIGTERM)', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's09_name_and_pid');
    const child = await until('Piao-1 to be alive', () => children(runId).find((p) => p.name === 'Piao-1' && p.state === 'running' && p.identity));
    assert.match(api.processesView.getTreeItem(child).contextValue, /^process\.alive/);
    await vscode.commands.executeCommand('proclens.terminate', child);
    await until('Piao-1 to exit', () => child.state === 'exited');
    assert.deepStrictEqual([child.exitCode, child.signal], [-15, 'SIGTERM']);
    assert.match(api.processesView.getTreeItem(child).description, /^PID \d+ · exited \u221215 \(SIGTERM\)$/);
    await finished(runId);
  });

  it('proclens.join resolves with the exit code of an alive child', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's08_join_timeout');
    const child = await until('egon to be alive', () => children(runId).find((p) => p.name === 'egon' && p.state === 'running'));
    const result = await vscode.commands.executeCommand('proclens.join', child);
    assert.deepStrictEqual(result, { outcome: 'exited', exitCode: 0, signal: undefined });
    await finished(runId);
  });

  it('shows the daemon flag on the §10 child', async () => {
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's10_daemon');
    const child = await until('the daemon child', () => children(runId)[0]);
    assert.strictEqual(child.daemon, true);
    await finished(runId);
    assert.match(api.processesView.getTreeItem(child).description, /· daemon$/);
    assert.match(api.processesView.getTreeItem(child).contextValue, /\.daemon/);
  });

  it('proclens.stopRun on the §7 server leaves no process behind', async () => {
    process.env.PROCLENS_ECHO_PORT = '0';
    const runId = await vscode.commands.executeCommand('proclens.runExample', 's07_socket_server');
    const tracked = api.tracker.find(runId);
    let output = '';
    tracked.program.on('stdout', (data) => (output += data));
    const port = Number(await until('the server to listen', () => /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]));
    const client = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    await until('a talk process', () => children(runId).find((p) => p.state === 'running'));
    await vscode.commands.executeCommand('proclens.stopRun', model().run(runId));
    client.destroy();
    await finished(runId);
    const pids = model().processesOf(runId).map((p) => p.pid);
    assert.ok(pids.length >= 2, `the server and its talk process were tracked: ${pids}`);
    assert.deepStrictEqual(pids.filter(alive), []);
  });
});

describe('a run’s terminal', function () {
  this.timeout(60000);
  let api;
  before(async () => {
    api = await vscode.extensions.getExtension('proclens.proclens').activate();
  });

  it('carries typed lines to the §7 client, whose upper-cased echo appears', async () => {
    process.env.PROCLENS_ECHO_PORT = '0';
    const serverRun = await vscode.commands.executeCommand('proclens.runExample', 's07_socket_server');
    let serverOutput = '';
    api.tracker.find(serverRun).program.on('stdout', (data) => (serverOutput += data));
    const port = await until('the server to listen', () => /listening on 127\.0\.0\.1:(\d+)/.exec(serverOutput)?.[1]);
    process.env.PROCLENS_ECHO_PORT = port;
    const clientRun = await vscode.commands.executeCommand('proclens.runExample', 's07_socket_client');
    let clientOutput = '';
    api.tracker.find(clientRun).program.on('stdout', (data) => (clientOutput += data));
    const terminal = await until('the client’s terminal', () => vscode.window.terminals.find((t) => t.name === 'ProcLens: s07_socket_client.py'));
    terminal.sendText('hello egon');
    await until('the echo', () => clientOutput.includes('HELLO EGON'));
    await vscode.commands.executeCommand('proclens.stopRun', api.tracker.model.run(clientRun));
    await vscode.commands.executeCommand('proclens.stopRun', api.tracker.model.run(serverRun));
    await until('both runs to finish', () => ['finished'].includes(api.tracker.model.run(clientRun).state) && api.tracker.model.run(serverRun).state === 'finished');
  });
});
