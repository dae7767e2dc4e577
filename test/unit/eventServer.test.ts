import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EventServer, makeStacksFolder } from '../../src/core/events/eventServer';
import { TracerEvent } from '../../src/core/protocol/tracerEvents';

const HELLO = '{"e":"hello","pid":5,"ppid":1,"t":1.0,"exe":"python3","argv":[],"py":"3.11.7"}\n';
const UNIX_SOCKET = process.platform === 'win32' && 'needs POSIX: connects to the server’s Unix socket (on Windows it listens on loopback TCP)';

async function withServer(body: (server: EventServer, events: TracerEvent[]) => Promise<void>, limits?: ConstructorParameters<typeof EventServer>[0]) {
  const server = new EventServer(limits);
  await server.listen();
  const events: TracerEvent[] = [];
  server.on('event', (e) => events.push(e));
  try {
    await body(server, events);
  } finally {
    await server.close();
  }
}

function send(server: EventServer, text: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(server.address.replace(/^unix:/, ''));
    socket.on('error', () => resolve());
    socket.end(text);
    socket.on('close', () => resolve());
  });
}

const waitFor = async (check: () => boolean, tries = 1000) => {
  for (let i = 0; i < tries && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

test('accepts events after the right token, in a folder only the owner can enter', { skip: UNIX_SOCKET }, async () => {
  await withServer(async (server, events) => {
    const folder = server.address.replace(/^unix:/, '').replace(/\/events\.sock$/, '');
    assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    await send(server, `${server.token}\n${HELLO}`);
    await waitFor(() => events.length === 1);
    assert.equal(events[0].kind, 'hello');
    assert.equal(server.stats.accepted, 1);
  });
});

test('each server has a token of its own: 24 random bytes in hex', () => {
  const tokens = new Set(Array.from({ length: 20 }, () => new EventServer().token));
  assert.equal(tokens.size, 20);
  for (const token of tokens) {
    assert.match(token, /^[0-9a-f]{48}$/);
  }
});

test('a peer with the wrong token gets nothing into the model', { skip: UNIX_SOCKET }, async () => {
  await withServer(async (server, events) => {
    await send(server, `${'0'.repeat(server.token.length)}\n${HELLO}`);
    await send(server, `short\n${HELLO}`);
    await send(server, HELLO);
    await waitFor(() => server.stats.rejected === 3);
    assert.equal(server.stats.rejected, 3);
    assert.equal(events.length, 0);
  });
});

test('malformed and oversized lines are counted and skipped; the connection goes on', { skip: UNIX_SOCKET }, async () => {
  await withServer(
    async (server, events) => {
      const huge = 'x'.repeat(10 * 1024 * 1024);
      await send(server, `${server.token}\n{broken\n${huge}\n${HELLO}{"e":"nope","pid":1,"t":1}\n${HELLO}`);
      await waitFor(() => events.length === 2);
      assert.equal(events.length, 2);
      assert.equal(server.stats.malformed, 2);
      assert.equal(server.stats.oversized, 1);
    },
    { maxLineBytes: 64 * 1024, maxConnections: 100, tokenDeadlineMs: 2000 },
  );
});

test('idle: once when the last open connection closes, not while another is open, not at close()', { skip: UNIX_SOCKET }, async () => {
  const server = new EventServer();
  await server.listen();
  let events = 0;
  let idles = 0;
  server.on('event', () => events++);
  server.on('idle', () => idles++);
  const connect = () => net.connect(server.address.replace(/^unix:/, '')).on('error', () => undefined);
  const first = connect();
  let last: net.Socket | undefined;
  try {
    first.write(`${server.token}\n${HELLO}`);
    await waitFor(() => events === 1);
    await send(server, `${server.token}\n${HELLO}`);
    await waitFor(() => events === 2 && server.connectionCount === 1);
    assert.equal(idles, 0, 'one connection is still open');
    first.end();
    await waitFor(() => idles === 1);
    assert.equal(idles, 1);
    last = connect();
    await waitFor(() => server.connectionCount === 1);
    await server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(idles, 1, 'a connection close() ends is not a tracer that has finished');
  } finally {
    first.destroy();
    last?.destroy();
    await server.close();
  }
});

test('a connection that never sends its token is dropped after the deadline', { skip: UNIX_SOCKET }, async () => {
  await withServer(
    async (server) => {
      const socket = net.connect(server.address.replace(/^unix:/, ''));
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.on('error', () => undefined);
      await closed;
      assert.equal(server.stats.rejected, 1);
    },
    { maxLineBytes: 1024, maxConnections: 10, tokenDeadlineMs: 50 },
  );
});

test('thousands of connections without a token are dropped, and a real tracer still gets through', { skip: UNIX_SOCKET }, async () => {
  await withServer(
    async (server, events) => {
      const path = server.address.replace(/^unix:/, '');
      let connected = 0;
      const strangers = Array.from({ length: 2000 }, () => {
        const socket = net.connect(path, () => connected++);
        socket.on('error', () => undefined);
        return new Promise((resolve) => socket.on('close', resolve));
      });
      // While the listen queue is full the kernel refuses new connections (EAGAIN); the
      // tracer then tries again with its next message, as this loop does.
      for (let attempt = 0; attempt < 100 && events.length === 0; attempt++) {
        await send(server, `${server.token}\n${HELLO}`);
        await waitFor(() => events.length === 1, 20);
      }
      assert.equal(events.length, 1, 'the tracer got through while 2000 strangers were connecting');
      await Promise.all(strangers);
      assert.ok(connected > 500, `${connected} strangers got a connection`);
      assert.equal(server.stats.rejected, connected, 'every one that connected was dropped');
      await waitFor(() => server.connectionCount === 0);
      assert.equal(server.connectionCount, 0);
    },
    { maxLineBytes: 1024, maxConnections: 4096, tokenDeadlineMs: 300 },
  );
});

test("a stack folder left by a core that is gone is swept; a live core's stays; the server's own goes at close", { skip: process.platform === 'win32' && 'needs POSIX: on Windows the server makes no stack folder (no signal asks for stacks)' }, async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-runtime-'));
  const saved = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = base;
  try {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.mkdirSync(path.join(base, `proclens-stacks-${gone}-abc`));
    fs.writeFileSync(path.join(base, `proclens-stacks-${gone}-abc`, '7.stack'), '');
    fs.mkdirSync(path.join(base, `proclens-stacks-${process.ppid}-def`));
    fs.mkdirSync(path.join(base, 'unrelated'));
    const server = new EventServer();
    await server.listen();
    try {
      assert.ok(server.stacksFolder?.startsWith(path.join(base, `proclens-stacks-${process.pid}-`)));
      assert.deepEqual(fs.readdirSync(base).sort(), [path.basename(server.stacksFolder!), `proclens-stacks-${process.ppid}-def`, 'unrelated'].sort());
    } finally {
      await server.close();
    }
    assert.deepEqual(fs.readdirSync(base).sort(), [`proclens-stacks-${process.ppid}-def`, 'unrelated']);
    assert.equal(makeStacksFolder()?.startsWith(base), true);
  } finally {
    process.env.XDG_RUNTIME_DIR = saved;
    if (saved === undefined) {
      delete process.env.XDG_RUNTIME_DIR;
    }
    fs.rmSync(base, { recursive: true, force: true });
  }
});
