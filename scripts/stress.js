'use strict';
// `npm run stress`: starts a 200-process, 3-level program and stops it, 20 times in a row,
// and checks after each round that nothing survived (walking /proc for a marker variable
// every process of the round inherits) and that the model counted every process.
//
//   node scripts/stress.js [rounds]      (after `tsc -p .`)

const { randomUUID } = require('crypto');
const fs = require('fs');
const path = require('path');
const { ProcessTracker } = require('../out/src/core/tracking/processTracker');
const { ProcessControl } = require('../out/src/core/control/processControl');
const { processesWithMarker } = require('../out/test/engine/survivors');

const root = path.resolve(__dirname, '..');
const rounds = Number(process.argv[2] ?? 20);
const python = process.env.PROCLENS_PYTHON ?? 'python3';
const EXPECTED = 200;

async function round(index) {
  const marker = randomUUID();
  const tracker = new ProcessTracker({ tracerDirectory: path.join(root, 'tracer'), scanIntervalMs: 250 });
  const control = new ProcessControl(tracker.model, { identify: (pid) => tracker.lister.identify(pid), scan: () => tracker.scanNow() });
  const started = Date.now();
  const run = await tracker.start({
    command: [python, path.join(root, 'test', 'fixtures', 'python', 'wide_tree.py')],
    env: { ...process.env, PROCLENS_STRESS_MARKER: marker },
    stdio: 'pipe',
  });
  let output = '';
  run.program.on('stdout', (data) => (output += data));
  while (!output.includes('ready')) {
    if (Date.now() - started > 120000) throw new Error('the program never got ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const readyMs = Date.now() - started;
  const children = () => tracker.model.processesOf(run.id).filter((p) => p.kind === 'mp-child');
  while (children().length < EXPECTED && Date.now() - started < 120000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seen = children().length;
  const stopping = Date.now();
  const survivorsInModel = await control.stopRun(run.id, 2000);
  await run.finished;
  const stopMs = Date.now() - stopping;
  const exited = children().filter((p) => p.state === 'exited').length;
  const survivors = processesWithMarker(`PROCLENS_STRESS_MARKER=${marker}`);
  survivors.forEach((pid) => process.kill(pid, 'SIGKILL'));
  await tracker.dispose();
  return { index, readyMs, seen, exited, modelSurvivors: survivorsInModel.length, survivors: survivors.length, stopMs };
}

async function main() {
  console.log('round | ready (ms) | children seen | exited in model | survivors (/proc) | stop (ms)');
  let failures = 0;
  for (let i = 1; i <= rounds; i++) {
    const r = await round(i);
    const ok = r.seen === EXPECTED && r.exited === EXPECTED && r.survivors === 0 && r.modelSurvivors === 0;
    failures += ok ? 0 : 1;
    console.log(`${String(i).padStart(5)} | ${String(r.readyMs).padStart(10)} | ${String(r.seen).padStart(13)} | ${String(r.exited).padStart(15)} | ${String(r.survivors).padStart(17)} | ${String(r.stopMs).padStart(9)}${ok ? '' : '  FAILED'}`);
  }
  console.log(`stress: ${rounds - failures} passed, ${failures} failed`);
  process.exitCode = failures ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
