import * as path from 'node:path';

/** multiprocessing's helper processes, told apart by the code they were started with. */
export function helperRole(argv: readonly string[]): string | undefined {
  const code = argv.join(' ');
  if (code.includes('multiprocessing.forkserver import main')) {
    return 'forkserver';
  }
  if (code.includes('multiprocessing.resource_tracker import main')) {
    return 'resource_tracker';
  }
  return undefined;
}

/** `python3 -u worker.py x` → `worker.py`; `python3 -c ...` → `python3 -c`. */
export function pythonProgramName(argv: readonly string[]): string {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-c' || arg === '-m') {
      return arg === '-m' && argv[i + 1] ? argv[i + 1] : `${path.basename(argv[0])} ${arg}`;
    }
    if (!arg.startsWith('-')) {
      return path.basename(arg);
    }
    if (arg === '-W' || arg === '-X') {
      i++;
    }
  }
  return argv.length ? path.basename(argv[0]) : 'python';
}

/**
 * What a command is called: `/usr/bin/sleep 30` → `sleep`, `python3 -u
 * worker.py` → `worker.py` (a Python program is known by its script).
 * Undefined for an empty command.
 */
export function commandName(argv: readonly string[]): string | undefined {
  if (!argv[0]) {
    return undefined;
  }
  const program = path.basename(argv[0]);
  return /^python[\d.]*(\.exe)?$/i.test(program) ? pythonProgramName(argv) : program;
}
