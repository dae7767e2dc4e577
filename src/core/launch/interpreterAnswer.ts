/** Arguments that make a Python interpreter print its real path, then its version. */
export const INTERPRETER_QUESTION = ['-c', 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'];

/** What a Python interpreter said about itself. */
export interface InterpreterAnswer {
  /** sys.executable: the real file, not a pyenv shim. */
  readonly executable: string;
  readonly version: string;
}

/**
 * Reads the output of INTERPRETER_QUESTION. On Windows Python's text-mode
 * stdout ends lines with \r\n, so a \r must not stay on the path. The last
 * two lines are read because a .pth file or sitecustomize may print first.
 * Undefined when the output is not such an answer.
 */
export function parseInterpreterAnswer(stdout: string): InterpreterAnswer | undefined {
  const lines = stdout.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') {
    lines.pop();
  }
  const [executable, version] = lines.slice(-2);
  if (lines.length < 2 || !executable || !/^\d+\.\d+\.\d+$/.test(version)) {
    return undefined;
  }
  return { executable, version };
}
