/**
 * Splits a command line the way a Windows program's C runtime builds argv
 * (the MSVC CRT rules, which CommandLineToArgvW shares): only double quotes
 * group, single quotes are ordinary, and a backslash is literal unless a run
 * of backslashes ends at a double quote. Then 2n backslashes give n and the
 * quote opens or closes; 2n+1 give n and a literal quote. Inside quotes, ""
 * is one literal quote. Node quotes each argument again on spawn so that
 * the child's runtime rebuilds exactly these words.
 *
 * The runtime would let an unclosed quote run to the end of the line; here
 * it is an error to show, as on POSIX, since it is almost always a typo.
 */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') {
      let run = 0;
      while (line[i] === '\\') {
        run++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(run / 2));
        if (run % 2 === 1) {
          current += '"';
          i++;
        }
        // An even run leaves the quote to the next turn, where it opens or closes.
      } else {
        current += '\\'.repeat(run);
      }
      inWord = true;
    } else if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        current += '"';
        i += 2;
      } else {
        quoted = !quoted;
        i++;
      }
      inWord = true;
    } else if ((c === ' ' || c === '\t') && !quoted) {
      if (inWord) {
        args.push(current);
        current = '';
        inWord = false;
      }
      i++;
    } else {
      current += c;
      inWord = true;
      i++;
    }
  }
  if (quoted) {
    throw new Error('unclosed " quote');
  }
  if (inWord) {
    args.push(current);
  }
  return args;
}
