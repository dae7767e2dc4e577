/** A line of a .env file that was skipped, for the log: never its text, which may hold a secret. */
export interface UnreadableLine {
  /** 1-based, as an editor shows it. */
  readonly line: number;
  readonly reason: string;
}

export interface EnvFileContents {
  /** In the order the file sets them; a name set twice keeps its last value. */
  readonly variables: Readonly<Record<string, string>>;
  readonly unreadable: readonly UnreadableLine[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What may follow a closing quote: spaces, then perhaps a comment. */
const AFTER_QUOTE = /^\s*(#.*)?$/;

/**
 * Reads a .env file the way the Python extension does for `python.envFile`,
 * so one file serves both: `NAME=value` lines, an optional `export ` in front
 * (a file also sourced by a shell), `#` comments and blank lines. Single
 * quotes keep everything literal; double quotes understand `\n`, `\t`, `\"`,
 * `\\` and `\$`; an unquoted value is trimmed and loses a ` #comment`. In
 * unquoted and double-quoted values `${NAME}` is replaced by the value an
 * earlier line gave NAME, else `base`'s, else nothing, as a shell would.
 *
 * It never throws: a line it cannot read is skipped and reported, so one typo
 * never hides the rest of the file.
 */
export function parseEnvFile(text: string, base: Readonly<Record<string, string | undefined>> = {}): EnvFileContents {
  const variables: Record<string, string> = {};
  const unreadable: UnreadableLine[] = [];
  const lookup = (name: string) => variables[name] ?? base[name] ?? '';
  // A BOM (Notepad's UTF-8) would otherwise glue itself to the first name.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    if (/^\s*(#.*)?$/.test(line)) {
      return;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) {
      unreadable.push({ line: index + 1, reason: 'not NAME=value' });
      return;
    }
    const [, name, rest] = assignment;
    const value = readValue(rest, lookup);
    if (typeof value === 'string') {
      variables[name] = value;
    } else {
      unreadable.push({ line: index + 1, reason: value.problem });
    }
  });
  return { variables, unreadable };
}

type Value = string | { problem: string };

function readValue(rest: string, lookup: (name: string) => string): Value {
  const value = rest.trimStart();
  if (value.startsWith("'")) {
    const end = value.indexOf("'", 1);
    if (end < 0) {
      return { problem: 'unclosed single quote (a value spans one line)' };
    }
    return AFTER_QUOTE.test(value.slice(end + 1)) ? value.slice(1, end) : { problem: 'text after the closing quote' };
  }
  if (value.startsWith('"')) {
    return readDoubleQuoted(value, lookup);
  }
  // A `#` starts a comment only after a space: `URL=http://host/#top` keeps its fragment.
  const comment = /(^|\s)#/.exec(value);
  return expand(value.slice(0, comment ? comment.index : undefined).trim(), lookup);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/** `value` starts with `"`: escapes and `${NAME}` in one pass, so an escaped `\$` is never expanded. */
function readDoubleQuoted(value: string, lookup: (name: string) => string): Value {
  let result = '';
  for (let i = 1; i < value.length; i++) {
    const c = value[i];
    if (c === '"') {
      return AFTER_QUOTE.test(value.slice(i + 1)) ? result : { problem: 'text after the closing quote' };
    }
    if (c === '\\' && i + 1 < value.length && ESCAPES[value[i + 1]] !== undefined) {
      result += ESCAPES[value[++i]];
    } else if (c === '$' && value[i + 1] === '{') {
      const reference = readReference(value, i, lookup);
      result += reference.text;
      i = reference.end;
    } else {
      result += c;
    }
  }
  return { problem: 'unclosed double quote (a value spans one line)' };
}

/** An unquoted value: `${NAME}` expanded, `\$` a literal `$`, every other backslash kept (Windows paths). */
function expand(value: string, lookup: (name: string) => string): string {
  let result = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && value[i + 1] === '$') {
      result += '$';
      i++;
    } else if (value[i] === '$' && value[i + 1] === '{') {
      const reference = readReference(value, i, lookup);
      result += reference.text;
      i = reference.end;
    } else {
      result += value[i];
    }
  }
  return result;
}

/**
 * The `${NAME}` starting at `start`: its value, and the index of its `}`. Anything
 * else (`${}`, `${A-B}`, no `}`) stays as written, as the Python extension leaves it.
 */
function readReference(value: string, start: number, lookup: (name: string) => string): { text: string; end: number } {
  const close = value.indexOf('}', start + 2);
  const name = close < 0 ? '' : value.slice(start + 2, close);
  return NAME.test(name) ? { text: lookup(name), end: close } : { text: '$', end: start };
}
