import * as vscode from 'vscode';

/** What the terminal asks of the run behind it. */
export interface RunTerminalHost {
  /** A line the person typed, with its newline. */
  input(line: string): void;
  /** Ctrl+D on an empty line: the program's stdin ends. */
  endInput(): void;
  /** Ctrl+C: stop the run. */
  interrupt(): void;
  /** The terminal was closed by the person. */
  closed(): void;
}

/**
 * The terminal of one run: shows the program's output as it comes and sends
 * typed lines to its stdin. The program reads a pipe, not a terminal, so this
 * class does the line editing a terminal driver would (echo, backspace, Enter).
 */
export class RunTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private line = '';
  private opened = false;
  private readonly backlog: string[] = [];
  private inputEnded = false;

  constructor(private readonly host: RunTerminalHost) {}

  open(): void {
    this.opened = true;
    this.backlog.splice(0).forEach((text) => this.writeEmitter.fire(text));
  }

  close(): void {
    this.host.closed();
  }

  /** Program output: a terminal needs CRLF where a program writes LF. */
  write(text: string): void {
    const converted = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) {
      this.writeEmitter.fire(converted);
    } else {
      this.backlog.push(converted);
    }
  }

  /** ProcLens's own lines, dimmed so they are not mistaken for the program's. */
  notice(text: string): void {
    this.write(`\x1b[2m${text}\x1b[0m\n`);
  }

  /** Ends the terminal for good (the run was cleared or the window closes). */
  dispose(): void {
    this.closeEmitter.fire();
  }

  handleInput(data: string): void {
    if (data.startsWith('\x1b')) {
      // Arrow keys and other escape sequences: there is no line history to move through.
      return;
    }
    let previous = '';
    for (const char of data) {
      const enter = char === '\r' || (char === '\n' && previous !== '\r');
      previous = char;
      if (char === '\n' && !enter) {
        continue;
      }
      if (enter) {
        this.write('\n');
        this.sendLine(this.line + '\n');
        this.line = '';
      } else if (char === '\x7f' || char === '\b') {
        if (this.line.length) {
          this.line = [...this.line].slice(0, -1).join('');
          this.writeEmitter.fire('\b \b');
        }
      } else if (char === '\x03') {
        this.write('^C\n');
        this.host.interrupt();
      } else if (char === '\x04') {
        if (this.line) {
          this.sendLine(this.line);
          this.line = '';
        } else if (!this.inputEnded) {
          this.inputEnded = true;
          this.host.endInput();
        }
      } else if (char >= ' ' || char === '\t') {
        this.line += char;
        this.writeEmitter.fire(char);
      }
    }
  }

  private sendLine(line: string): void {
    if (!this.inputEnded) {
      this.host.input(line);
    }
  }
}
