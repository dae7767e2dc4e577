import { splitWindowsCommandLine } from './windowsCommandLine';

/**
 * Splits a command line typed by a person into arguments without running a
 * shell: `;`, `|`, `&`, `$(...)`, `%VAR%` and globs stay literal characters
 * of an argument. Quoting follows the platform's own rules, because a
 * Windows path is full of backslashes that a POSIX shell would eat.
 */
export function splitCommandLine(line: string, platform: NodeJS.Platform = process.platform): string[] {
  return platform === 'win32' ? splitWindowsCommandLine(line) : splitPosixCommandLine(line);
}

/** The way a POSIX shell splits words: single and double quotes, backslash escapes. */
function splitPosixCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") {
        quote = undefined;
      } else {
        current += c;
      }
    } else if (quote === '"') {
      if (c === '"') {
        quote = undefined;
      } else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
        current += line[++i];
      } else {
        current += c;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) {
        args.push(current);
        current = '';
        inWord = false;
      }
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) {
    throw new Error(`unclosed ${quote} quote`);
  }
  if (inWord) {
    args.push(current);
  }
  return args;
}
