// Where the frames of a stacks document point. No `vscode` here: the unit tests read it directly.
import * as path from 'node:path';

/** A `File "…", line N` of the text: its place (0-based line, columns) and the source line it names. */
export interface FrameLink {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly file: string;
  /** 1-based, as Python prints it. */
  readonly fileLine: number;
}

/** As renderStacks (and every Python traceback) writes a frame. */
const FRAME = /File "(.+)", line (\d+), in /;

/**
 * Every frame of `text` whose file can be opened: an absolute path (Python's
 * `<frozen importlib._bootstrap>` or `<string>` are no files).
 */
export function frameLinks(text: string): FrameLink[] {
  const links: FrameLink[] = [];
  text.split(/\r?\n/).forEach((content, line) => {
    const match = FRAME.exec(content);
    if (match && (path.posix.isAbsolute(match[1]) || path.win32.isAbsolute(match[1]))) {
      const start = match.index;
      // The link covers `File "…", line N`, not the function's name.
      const end = start + match[0].length - ', in '.length;
      links.push({ line, start, end, file: match[1], fileLine: Number(match[2]) });
    }
  });
  return links;
}
