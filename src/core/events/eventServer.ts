import type * as Crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeTracerLine, TracerEvent } from '../protocol/tracerEvents';

/** Limits that keep a misbehaving or hostile peer from hurting the core. */
export interface EventServerLimits {
  /** Longest accepted line, in bytes; longer lines are dropped and counted. */
  readonly maxLineBytes: number;
  /** Most connections at once; every traced process holds one. */
  readonly maxConnections: number;
  /** How long a new connection may take to send its token. */
  readonly tokenDeadlineMs: number;
}

export const defaultEventServerLimits: EventServerLimits = {
  maxLineBytes: 64 * 1024,
  maxConnections: 8192,
  tokenDeadlineMs: 2000,
};

/** Counters for what the server refused; shown in logs and asserted in tests. */
export interface EventServerStats {
  accepted: number;
  rejected: number;
  malformed: number;
  oversized: number;
}

export interface EventServerEvents {
  event: [TracerEvent];
  /** A line was dropped; `reason` says why. */
  dropped: [string];
  /** The last open connection has closed: every traced process that connected has sent all it will. */
  idle: [];
}

const TOKEN_LINE_MAX = 256;

/**
 * node:crypto, loaded on first use: it takes about 3 ms to load, a third of all the modules the
 * CLI loads before it can start the program, and only the first connection needs it.
 */
let cryptoModule: typeof Crypto | undefined;
const crypto = () => (cryptoModule ??= require('node:crypto') as typeof Crypto);

/** 24 random bytes as hex: from /dev/urandom where there is one, else from node:crypto. */
function newToken(): string {
  const bytes = Buffer.alloc(24);
  try {
    const fd = fs.openSync('/dev/urandom', 'r');
    try {
      if (fs.readSync(fd, bytes) === bytes.length) {
        return bytes.toString('hex');
      }
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // No /dev/urandom (Windows): node:crypto's generator.
  }
  return crypto().randomBytes(bytes.length).toString('hex');
}

/**
 * Removes the stack folders of cores that are gone: a core killed before it
 * could close (an editor window killed, say) leaves its folder behind, and in
 * memory. Each folder's name holds its core's pid; a pid in use keeps it.
 */
export function sweepStaleStacks(base: string): void {
  for (const name of fs.readdirSync(base)) {
    const owner = /^proclens-stacks-(\d+)-/.exec(name)?.[1];
    if (owner && !processExists(Number(owner))) {
      fs.rmSync(path.join(base, name), { recursive: true, force: true });
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A private folder in memory (the user's runtime folder, else /dev/shm) for
 * the stack files: every traced process creates its own at start, and on a
 * disk that costs a forked child about 0.25 ms (measured: 200 forks took
 * 170 ms longer), on tmpfs next to nothing. Undefined where there is none.
 */
export function makeStacksFolder(): string | undefined {
  for (const base of [process.env.XDG_RUNTIME_DIR, '/dev/shm']) {
    try {
      if (base && fs.statSync(base).isDirectory()) {
        sweepStaleStacks(base);
        return fs.mkdtempSync(path.join(base, `proclens-stacks-${process.pid}-`));
      }
    } catch {
      // Not there or not writable: the next one, or the socket's folder.
    }
  }
  return undefined;
}

/**
 * `unix`: a Unix socket in a fresh 0700 folder, which only this user can reach. `tcp`:
 * loopback TCP on 127.0.0.1, which any local user can reach, so only the token keeps
 * others out: Windows's transport, where Python has no AF_UNIX.
 */
export type EventTransport = 'unix' | 'tcp';

export interface EventServerOptions {
  /** Default by platform: `tcp` on Windows, `unix` elsewhere. */
  readonly transport?: EventTransport;
  /**
   * Whether to keep a private folder for stack dumps: only where a signal can ask for them
   * (default: everywhere but Windows), whatever the transport.
   */
  readonly stacks?: boolean;
}

/**
 * Listens for tracer connections (see EventTransport). Each connection must
 * start with the token; anything else is dropped before a byte of it is
 * parsed.
 */
export class EventServer extends EventEmitter<EventServerEvents> {
  readonly token = newToken();
  readonly stats: EventServerStats = { accepted: 0, rejected: 0, malformed: 0, oversized: 0 };
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private folder: string | undefined;
  private stacks: string | undefined;
  private addressText = '';
  /** Set by close(): the connections it ends are not "every tracer has finished". */
  private closing = false;

  readonly transport: EventTransport;
  private readonly keepsStacks: boolean;

  constructor(
    private readonly limits: EventServerLimits = defaultEventServerLimits,
    options: EventServerOptions = {},
  ) {
    super();
    this.transport = options.transport ?? (process.platform === 'win32' ? 'tcp' : 'unix');
    this.keepsStacks = options.stacks ?? process.platform !== 'win32';
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = limits.maxConnections;
  }

  /** The address the tracer reads from PROCLENS_ADDR: `unix:PATH` or `tcp:HOST:PORT`. */
  get address(): string {
    return this.addressText;
  }

  /**
   * Where each traced process writes its stack dumps (`<pid>.stack`, see
   * takeStacks): in the same private folder as the socket. Undefined on
   * Windows, which has no signal to ask for them.
   */
  get stacksFolder(): string | undefined {
    return this.stacks;
  }

  /** Open tracer connections. Each closes when its process exits, after its last line. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  async listen(): Promise<void> {
    if (this.keepsStacks || this.transport === 'unix') {
      // Unix socket paths are limited to about 100 bytes, so a long TMPDIR falls back to /tmp.
      const base = os.tmpdir().length <= 60 ? os.tmpdir() : '/tmp';
      this.folder = fs.mkdtempSync(path.join(base, 'proclens-'));
      fs.chmodSync(this.folder, 0o700);
    }
    if (this.keepsStacks) {
      this.stacks = makeStacksFolder() ?? path.join(this.folder!, 'stacks');
      fs.mkdirSync(this.stacks, { recursive: true, mode: 0o700 });
    }
    if (this.transport === 'tcp') {
      // Loopback only: nothing off this machine can connect.
      await this.listenOn({ host: '127.0.0.1', port: 0 });
      const { port } = this.server.address() as net.AddressInfo;
      this.addressText = `tcp:127.0.0.1:${port}`;
      return;
    }
    const socketPath = path.join(this.folder!, 'events.sock');
    await this.listenOn({ path: socketPath });
    this.addressText = `unix:${socketPath}`;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const folder of [this.stacks, this.folder]) {
      if (folder) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    }
    this.folder = this.stacks = undefined;
  }

  private listenOn(options: net.ListenOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ ...options, backlog: 1024 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0 && !this.closing) {
        this.emit('idle');
      }
    });
    socket.on('error', () => socket.destroy());
    const deadline = setTimeout(() => this.reject(socket), this.limits.tokenDeadlineMs);
    let pending: Buffer = Buffer.alloc(0);
    let authenticated = false;
    let skippingOversized = false;

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      for (let end = pending.indexOf(10, start); end !== -1; end = pending.indexOf(10, start)) {
        const line = pending.subarray(start, end);
        start = end + 1;
        if (!authenticated) {
          clearTimeout(deadline);
          if (!this.tokenMatches(line)) {
            this.reject(socket);
            return;
          }
          authenticated = true;
          this.stats.accepted++;
        } else if (skippingOversized) {
          skippingOversized = false;
        } else if (line.length > this.limits.maxLineBytes) {
          this.drop('oversized', `line longer than ${this.limits.maxLineBytes} bytes`);
        } else {
          this.handleLine(line);
        }
      }
      pending = pending.subarray(start);
      if (!authenticated && pending.length > TOKEN_LINE_MAX) {
        clearTimeout(deadline);
        this.reject(socket);
      } else if (pending.length > this.limits.maxLineBytes) {
        // Drop the long line's bytes as they come, rather than buffering them all.
        if (!skippingOversized) {
          this.drop('oversized', `line longer than ${this.limits.maxLineBytes} bytes`);
        }
        skippingOversized = true;
        pending = Buffer.alloc(0);
      }
    });
    socket.on('close', () => clearTimeout(deadline));
  }

  private tokenMatches(line: Buffer): boolean {
    const expected = Buffer.from(this.token);
    const given = line.subarray(0, line.length && line[line.length - 1] === 13 ? -1 : undefined);
    // timingSafeEqual needs equal lengths; comparing against ourselves keeps the time constant.
    const same = given.length === expected.length;
    return crypto().timingSafeEqual(same ? given : expected, expected) && same;
  }

  private reject(socket: net.Socket): void {
    this.stats.rejected++;
    socket.destroy();
  }

  private handleLine(line: Buffer): void {
    const decoded = decodeTracerLine(line.toString('utf8'));
    if (decoded.ok) {
      this.emit('event', decoded.event);
    } else {
      this.drop('malformed', decoded.reason);
    }
  }

  private drop(counter: 'malformed' | 'oversized', reason: string): void {
    this.stats[counter]++;
    this.emit('dropped', reason);
  }
}
