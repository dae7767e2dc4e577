import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { testInterpreters } from '../engine/engineHelpers';

// The hosted CI workflow cannot run here, so this checks what can be checked without it: that it
// covers the three systems, runs exactly the commands the README documents for it, and hands the
// engine tests the Pythons they look for.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORKFLOW = path.join('.github', 'workflows', 'ci.yml');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { 'runs-on': string; strategy?: { matrix?: { os?: string[] } }; steps: Step[] }>;
}

const yaml = require('js-yaml') as { load(text: string): unknown };
const readText = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\r\n/g, '\n');
const workflow = yaml.load(readText(WORKFLOW)) as Workflow;
const [jobName, ...otherJobs] = Object.keys(workflow.jobs);
const job = workflow.jobs[jobName];
const steps = job.steps;
const runs = steps.filter((s) => s.run !== undefined);
const action = (name: string) => steps.filter((s) => s.uses?.split('@')[0] === name);

/** The commands of the README's "Continuous integration" section: its first sh block, comments dropped. */
function readmeCommands(): string[] {
  const readme = readText('README.md');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Continuous integration\n'));
  assert.ok(section, 'the README has a "Continuous integration" section');
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(section)?.[1];
  assert.ok(block, 'the section lists its commands in a ```sh block');
  return block
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

test('one job, on Linux, macOS and Windows', () => {
  assert.deepEqual(otherJobs, [], 'a single job');
  assert.equal(job['runs-on'], '${{ matrix.os }}');
  assert.deepEqual([...(job.strategy?.matrix?.os ?? [])].sort(), ['macos-latest', 'ubuntu-latest', 'windows-latest']);
});

test("the workflow runs exactly the README's commands, in the README's order", () => {
  assert.deepEqual(
    runs.map((s) => s.run!.trim()),
    readmeCommands(),
    `${WORKFLOW} and README.md's "Continuous integration" disagree`,
  );
});

test('the unit, engine and integration suites are among them; the integration suite under a virtual display on Linux only', () => {
  const commands = readmeCommands();
  for (const script of ['test:unit', 'test:engine', 'test:electron']) {
    assert.ok(commands.includes(`npm run ${script}`), `npm run ${script}`);
  }
  assert.equal(commands[0], 'npm ci', 'a clean install first');
  const electron = runs.filter((s) => s.run!.includes('npm run test:electron'));
  assert.equal(electron.length, 2);
  const onLinux = electron.find((s) => s.run!.startsWith('xvfb-run -a '));
  const elsewhere = electron.find((s) => s.run!.trim() === 'npm run test:electron');
  assert.match(onLinux?.if ?? '', /runner\.os == 'Linux'/);
  assert.match(elsewhere?.if ?? '', /runner\.os != 'Linux'/);
});

test('Node 20, with the npm cache', () => {
  const [node, ...more] = action('actions/setup-node');
  assert.equal(more.length, 0);
  assert.equal(String(node.with?.['node-version']), '20');
  assert.equal(node.with?.cache, 'npm');
});

test("each Python the engine tests use is set up, and its path given to them in the variable they read", () => {
  const interpreters = testInterpreters().map((i) => i.label);
  assert.deepEqual(interpreters, ['3.8', '3.13']);
  const pythons = action('actions/setup-python');
  // Quoted in the YAML: unquoted, 3.10 would be read as the number 3.1.
  assert.deepEqual(pythons.map((s) => s.with?.['python-version']), interpreters);
  const engine = runs.find((s) => s.run === 'npm run test:engine');
  assert.ok(engine, 'a step runs the engine tests');
  for (const [i, label] of interpreters.entries()) {
    const variable = `PROCLENS_TEST_PYTHON${label.replace('.', '')}`;
    assert.ok(pythons[i].id, `the setup of Python ${label} has an id`);
    assert.equal(engine.env?.[variable], `\${{ steps.${pythons[i].id}.outputs.python-path }}`, variable);
  }
});

test('the engine tests read those variables', () => {
  const saved = { PROCLENS_TEST_PYTHON38: process.env.PROCLENS_TEST_PYTHON38, PROCLENS_TEST_PYTHON313: process.env.PROCLENS_TEST_PYTHON313 };
  try {
    process.env.PROCLENS_TEST_PYTHON38 = '/ci/python3.8';
    process.env.PROCLENS_TEST_PYTHON313 = '/ci/python3.13';
    assert.deepEqual(
      testInterpreters().map((i) => [i.label, i.path]),
      [
        ['3.8', '/ci/python3.8'],
        ['3.13', '/ci/python3.13'],
      ],
    );
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
});

test('test-results/ is kept when a step fails', () => {
  const [upload, ...more] = action('actions/upload-artifact');
  assert.equal(more.length, 0);
  assert.match(upload.if ?? '', /failure\(\)/);
  assert.equal(upload.with?.path, 'test-results/');
  assert.equal(steps.indexOf(upload), steps.length - 1, 'after every test step');
});
