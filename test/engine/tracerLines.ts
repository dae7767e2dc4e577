import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, Outcome, REPO, run, testInterpreters, until } from './engineHelpers';

/** What a test may watch while the program runs. */
export interface LiveRecording {
  /** Every line so far, as it arrives. */
  readonly lines: string[];
  /** The folder the tracer writes stack dumps to (PROCLENS_STACKS), set before the program starts. */
  stacks?: string;
}

export interface RecordOptions {
  /** Variables added to the program's environment (PROCLENS_STACKS here wins over `stacks`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Stack dumps on (PROCLENS_STACKS set to a private folder of the recording's), unless false. */
  readonly stacks?: boolean;
  /** Filled as the program runs. */
  readonly live?: LiveRecording;
  readonly timeoutMs?: number;
}

/**
 * Runs a program under the real tracer with a listener of our own in place of the core's
 * EventServer, and returns every line the tracer sent, as the bytes arrived (the token line
 * left out): what the protocol tests decode. Nothing is parsed here, so nothing is lost.
 */
export async function recordTracerLines(command: readonly string[], options: RecordOptions = {}): Promise<Outcome & { lines: string[] }> {
  // Unix socket paths are short (about 100 bytes): as in the core's EventServer, the temp
  // folder unless its path is long, then /tmp.
  const base = os.tmpdir().length <= 60 ? os.tmpdir() : '/tmp';
  const folder = fs.mkdtempSync(path.join(base, 'proclens-lines-'));
  const token = randomBytes(16).toString('hex');
  const lines: string[] = options.live?.lines ?? [];
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    let pending = '';
    let first = true;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (!first) {
          lines.push(line);
        } else if (line !== token) {
          socket.destroy();
        }
        first = false;
      }
    });
    socket.on('close', () => open.delete(socket));
  });
  const address = path.join(folder, 'events.sock');
  await new Promise<void>((resolve) => server.listen(address, resolve));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: path.join(REPO, 'tracer'), PROCLENS_ADDR: `unix:${address}`, PROCLENS_TOKEN: token };
    delete env.PROCLENS_STACKS;
    Object.assign(env, options.env);
    if (options.stacks !== false && !options.env?.PROCLENS_STACKS) {
      const stacks = path.join(folder, 'stacks');
      fs.mkdirSync(stacks, { mode: 0o700 });
      env.PROCLENS_STACKS = stacks;
      if (options.live) {
        options.live.stacks = stacks;
      }
    }
    const outcome = await run(command[0], command.slice(1), { env, timeoutMs: options.timeoutMs });
    // A process's last lines may still be in flight when the program has exited.
    await until('every tracer connection to close', () => open.size === 0, 5_000);
    return { ...outcome, lines };
  } finally {
    open.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** The fixture that makes the tracer send every kind of message. */
export const everyEvent = (python: string, method: string) => [python, path.join(FIXTURES, 'every_event.py'), method];

// `node out/test/engine/tracerLines.js [spawn|fork|forkserver]` prints the lines of a real run,
// with this machine's paths replaced, to paste into test/unit/tracerLines.ts.
if (require.main === module) {
  const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';
  void recordTracerLines(everyEvent(python, process.argv[2] ?? 'spawn')).then(({ lines }) => {
    for (const line of lines) {
      console.log(line.split(JSON.stringify(REPO).slice(1, -1)).join('/repo').split(JSON.stringify(python).slice(1, -1)).join('/usr/bin/python3'));
    }
  });
}
