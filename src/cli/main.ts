import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProcessControl } from '../core/control/processControl';
import { findExecutable } from '../core/launch/findExecutable';
import { LaunchError } from '../core/launch/launchedProgram';
import { chooseLister } from '../core/scan/chooseLister';
import { LaunchedRun, ProcessTracker } from '../core/tracking/processTracker';
import { parseCliArguments, RunArguments, USAGE } from './cliArguments';
import { JsonLinesFile, processJson, runJson } from './jsonReport';
import { renderRunTree } from './treeText';

/** The bundle lives in dist/; the tracer ships beside it in tracer/. */
const TRACER_DIRECTORY = path.resolve(__dirname, '..', 'tracer');

/** Shells report "ended by signal N" as 128 + N; do the same. */
const shellExitCode = (code: number | null | undefined) => (code === null || code === undefined ? 1 : code < 0 ? 128 - code : code);

function resolveCommand(run: RunArguments): string[] | string {
  if (!run.command[0].endsWith('.py')) {
    return run.command;
  }
  const python = run.python ?? findExecutable(['python3', 'python']);
  return python ? [python, ...run.command] : 'Python was not found on PATH: pass --python PATH.';
}

async function runCommand(run: RunArguments): Promise<number> {
  const command = resolveCommand(run);
  if (typeof command === 'string') {
    process.stderr.write(`proclens: ${command}\n`);
    return 127;
  }
  const tracker = new ProcessTracker({
    tracerDirectory: TRACER_DIRECTORY,
    lister: chooseLister(run.lister),
    scanIntervalMs: run.intervalMs,
  });
  const reported = new Set<string>();
  tracker.on('log', (level, message) => {
    if (level === 'error' && !reported.has(message)) {
      reported.add(message);
      process.stderr.write(`proclens: ${message}\n`);
    }
  });
  const json = run.jsonFile ? new JsonLinesFile(run.jsonFile) : undefined;
  tracker.model.on('change', (change) => {
    change.runs.forEach((r) => json?.write({ type: 'run', ...runJson(r) }));
    change.processes.forEach((p) => json?.write({ type: 'process', ...processJson(p) }));
  });
  let trackedRun: LaunchedRun;
  try {
    trackedRun = await tracker.start({ command, stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(`proclens: ${error instanceof LaunchError ? error.message : String(error)}\n`);
    const failed = tracker.model.runs()[0];
    json?.write({ type: 'summary', run: failed ? runJson(failed) : null, processes: [] });
    json?.close();
    await tracker.dispose();
    return 127;
  }
  const control = new ProcessControl(tracker.model, {
    identify: (pid) => tracker.lister.identify(pid),
    scan: () => tracker.scanNow(),
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (!stopping) {
      stopping = true;
      process.stderr.write(`\nproclens: ${signal}: stopping every process of the run\n`);
      void control.stopRun(trackedRun.id, run.graceMs);
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((s) => process.on(s, stop));

  const finished = await trackedRun.finished;
  const records = tracker.model.processesOf(finished.id);
  json?.write({
    type: 'summary',
    run: runJson(finished),
    processes: records.map(processJson),
    tracer: trackedRun.events.stats,
  });
  json?.close();
  if (!json) {
    process.stderr.write(renderRunTree(finished, records) + '\n');
  }
  signals.forEach((s) => process.off(s, stop));
  await tracker.dispose();
  return shellExitCode(finished.exitCode);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArguments(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case 'version':
      process.stdout.write(`${JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
      return 0;
    case 'error':
      process.stderr.write(`proclens: ${parsed.message}\n\n${USAGE}\n`);
      return 2;
    case 'run':
      return runCommand(parsed.run);
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`proclens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
