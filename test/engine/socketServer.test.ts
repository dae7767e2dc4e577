import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { alivePids, CLI, EXAMPLES, readJsonLines, removeScratch, run, scratchFile, testInterpreters, until } from './engineHelpers';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';

function echo(port: number, message: string): Promise<{ reply: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(message));
    socket.once('data', (data) => resolve({ reply: data.toString(), socket }));
    socket.once('error', reject);
  });
}


test('§7 server: one child per client connection; Ctrl+C to the CLI stops all of it and still writes the summary', { skip: process.platform !== 'linux' && 'needs Linux: reads /proc to see nothing of the run left' }, async () => {
  const jsonFile = scratchFile('server.jsonl');
  const cli = spawn(process.execPath, [CLI, 'run', `--json=${jsonFile}`, '--interval=100', '--', python, path.join(EXAMPLES, 's07_socket_server.py'), '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  cli.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
  try {
    const port = Number(await until('the server to listen', () => /listening on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]));
    const first = await echo(port, 'hello');
    const second = await echo(port, 'egon');
    assert.equal(first.reply, 'HELLO');
    assert.equal(second.reply, 'EGON');
    const talkers = await until('two talk processes in the model', () => {
      const latest = new Map<number, Record<string, any>>();
      readJsonLines(jsonFile)
        .filter((l) => l.type === 'process' && l.kind === 'mp-child')
        .forEach((l) => latest.set(l.pid, l));
      const alive = [...latest.values()].filter((p) => p.state === 'running');
      return alive.length === 2 ? alive : undefined;
    });
    assert.deepEqual(talkers.map((t) => t.name).sort(), ['Process-1', 'Process-2']);
    cli.kill('SIGINT');
    const code = await exited;
    first.socket.destroy();
    second.socket.destroy();
    const lines = readJsonLines(jsonFile);
    const summary = lines[lines.length - 1];
    assert.equal(summary.type, 'summary');
    assert.equal(code, 0, 'the server turns SIGTERM into a clean shutdown, so the CLI passes on its 0');
    const ended = summary.processes.filter((p: { kind: string }) => p.kind === 'mp-child');
    assert.deepEqual(ended.map((p: { signal: string }) => p.signal), ['SIGTERM', 'SIGTERM']);
    const pids = summary.processes.map((p: { pid: number }) => p.pid);
    assert.deepEqual(alivePids(pids), [], 'nothing of the run is left');
    assert.ok(summary.processes.every((p: { state: string }) => p.state === 'exited'));
  } finally {
    cli.kill('SIGKILL');
    await exited;
    removeScratch(jsonFile);
  }
});

test('§7 client: lines typed on stdin come back upper-cased', async () => {
  const server = net.createServer((socket) => socket.on('data', (d) => socket.write(d.toString().toUpperCase())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const outcome = await run(process.execPath, [CLI, 'run', '--', python, path.join(EXAMPLES, 's07_socket_client.py'), String(port)], {
      input: 'hello\n\negon\n',
    });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /HELLO/);
    assert.match(outcome.stdout, /EGON/);
  } finally {
    server.close();
  }
});
