import { ListerName } from '../core/scan/chooseLister';

export interface RunArguments {
  readonly command: string[];
  readonly python?: string;
  readonly jsonFile?: string;
  readonly intervalMs?: number;
  readonly lister?: ListerName;
  readonly graceMs?: number;
  /** Seconds after which a run still going counts as hung: its stacks are printed, then it is stopped. */
  readonly timeoutSeconds?: number;
  /** False with --no-task-arguments: pool workers report their tasks' functions only. */
  readonly taskArguments?: boolean;
}

export type ParsedArguments =
  | { readonly kind: 'run'; readonly run: RunArguments }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string };

export const USAGE = `Usage: proclens run [options] -- COMMAND [ARGS...]

Runs COMMAND with ProcLens tracking its processes, passes the terminal
through, and exits with COMMAND's exit code (128+N when signal N ended it).
A COMMAND ending in .py is run with Python.

Options:
  --python PATH       Python for a .py COMMAND (default: python3, then python)
  --json=FILE         write one JSON line per change to FILE, then a summary line
  --interval MS       OS scan interval in milliseconds (default 500)
  --grace MS          on Ctrl+C, wait this long after SIGTERM before SIGKILL (default 2000)
  --timeout SECONDS   if COMMAND still runs after SECONDS, print the Python stack of
                      every thread of every live process to stderr, then stop them
                      all and exit with 124 (as timeout(1) does); Ctrl+C prints the
                      stacks too before stopping
  --lister proc|ps-list  how to list processes (default: proc on Linux)
  --no-task-arguments pool workers report each task's function, not its arguments
                      (they may be large or hold secrets)
  -h, --help          show this help
  --version           show the version`;

/** Parses `proclens …` arguments. Pure: no I/O, no exit. */
export function parseCliArguments(argv: readonly string[]): ParsedArguments {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '-h' || verb === '--help' || verb === 'help') {
    return { kind: 'help' };
  }
  if (verb === '--version') {
    return { kind: 'version' };
  }
  if (verb !== 'run') {
    return { kind: 'error', message: `unknown command "${verb}"` };
  }
  const options: { -readonly [K in keyof RunArguments]?: RunArguments[K] } = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      const command = rest.slice(i + 1);
      return command.length
        ? { kind: 'run', run: { ...options, command } }
        : { kind: 'error', message: 'no command after --' };
    }
    if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? rest[++i];
    switch (name) {
      case '--python':
        options.python = value();
        break;
      case '--json':
        options.jsonFile = value();
        break;
      case '--interval':
      case '--grace': {
        const number = Number(value());
        if (!Number.isFinite(number) || number < 0) {
          return { kind: 'error', message: `${name} needs a number of milliseconds` };
        }
        options[name === '--interval' ? 'intervalMs' : 'graceMs'] = number;
        break;
      }
      case '--timeout': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0) {
          return { kind: 'error', message: '--timeout needs a number of seconds' };
        }
        options.timeoutSeconds = seconds;
        break;
      }
      case '--no-task-arguments':
        options.taskArguments = false;
        break;
      case '--lister': {
        const lister = value();
        if (lister !== 'proc' && lister !== 'ps-list') {
          return { kind: 'error', message: '--lister is proc or ps-list' };
        }
        options.lister = lister;
        break;
      }
      default:
        if (!arg.startsWith('-')) {
          // `proclens run script.py` without `--` is common enough to accept.
          return { kind: 'run', run: { ...options, command: rest.slice(i) } };
        }
        return { kind: 'error', message: `unknown option "${arg}"` };
    }
    if (Object.values(options).some((v) => v === undefined)) {
      return { kind: 'error', message: `${name} needs a value` };
    }
  }
  return { kind: 'error', message: 'no command given (put it after --)' };
}
