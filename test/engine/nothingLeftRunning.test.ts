import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { CLI, FIXTURES, readJsonLines, removeScratch, scratchFile, testInterpreters, until } from './engineHelpers';
import { processesWithMarker } from './survivors';

const python = testInterpreters().find((p) => p.path)?.path ?? 'python3';


describe('nothing is left running when the CLI is interrupted', { concurrency: 1, skip: process.platform !== 'linux' && 'needs Linux: finds the survivors by their environment in /proc' }, () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`${signal}: daemons, grandchildren, non-Python children, a SIGTERM-deaf child and a setsid() child all end`, { timeout: 60_000 }, async () => {
      const marker = `PROCLENS_TEST_MARKER=${randomUUID()}`;
      const jsonFile = scratchFile('stubborn.jsonl');
      const cli = spawn(process.execPath, [CLI, 'run', `--json=${jsonFile}`, '--interval=100', '--grace=700', '--', python, path.join(FIXTURES, 'stubborn_tree.py')], {
        env: { ...process.env, [marker.split('=')[0]]: marker.split('=')[1] },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      cli.stdout.on('data', (d) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
      try {
        await until('the tree to be ready', () => (stdout.includes('ready') ? true : undefined));
        const before = processesWithMarker(marker).filter((pid) => pid !== cli.pid);
        assert.ok(before.length >= 20, `the tree has ${before.length} processes`);
        // The model must know the setsid() child before the stop: give the scan a moment.
        await until('the model to see every process', () => {
          const seen = new Set(readJsonLines(jsonFile).filter((l) => l.type === 'process').map((l) => l.pid));
          return before.every((pid) => seen.has(pid)) ? true : undefined;
        });
        cli.kill(signal);
        await Promise.race([exited, until('the CLI to exit after the stop', () => undefined, 20_000)]);
        const lines = readJsonLines(jsonFile);
        assert.equal(lines[lines.length - 1].type, 'summary', 'the summary is written after the stop');
        assert.deepEqual(processesWithMarker(marker), [], 'no process of the run survives');
        const deaf = lines[lines.length - 1].processes.filter((p: { signal: string }) => p.signal === 'SIGKILL');
        assert.ok(deaf.length >= 1, 'the child that ignored SIGTERM needed SIGKILL');
      } finally {
        cli.kill('SIGKILL');
        for (const pid of processesWithMarker(marker)) {
          process.kill(pid, 'SIGKILL');
        }
        await exited;
        removeScratch(jsonFile);
      }
    });
  }
});
