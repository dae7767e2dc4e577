import * as vscode from 'vscode';

/** What the terminal asks of the run behind it. */
export interface RunTerminalHost {
  /** Keys as typed (a real terminal), or one edited line with its newline (pipes). */
  input(data: string): void;
  /** Pipes only: Ctrl+D on an empty line ends the program's stdin. */
  endInput(): void;
  /** Pipes only: Ctrl+C, which no terminal driver turns into SIGINT there, stops the run. */
  interrupt(): void;
  /** The terminal's size changed (a real terminal passes it on: SIGWINCH). */
  resize(rows: number, columns: number): void;
  /** The terminal was closed by the person. */
  closed(): void;
}

/**
 * How the program sees its terminal. `terminal`: a real pseudo-terminal
 * (TerminalProgram), which echoes, edits lines and turns Ctrl+C into SIGINT
 * itself, so keys pass through untouched. `lines`: pipes (Windows), where
 * this class does the little a terminal driver would (echo, backspace, Enter).
 */
export type RunTerminalMode = 'terminal' | 'lines';

/** The size a terminal has until VS Code tells its real one. */
export const DEFAULT_DIMENSIONS: vscode.TerminalDimensions = { rows: 24, columns: 80 };

/** The terminal of one run, drawn by VS Code: the program's output, and keys typed for it. */
export class RunTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  /** Resolves with the terminal's size once VS Code has opened it. */
  readonly opened: Promise<vscode.TerminalDimensions>;
  private resolveOpened!: (dimensions: vscode.TerminalDimensions) => void;
  private isOpen = false;
  private readonly backlog: string[] = [];
  private endsWithNewline = true;
  private line = '';
  private inputEnded = false;

  constructor(
    private readonly host: RunTerminalHost,
    private readonly mode: RunTerminalMode,
  ) {
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
  }

  open(initialDimensions: vscode.TerminalDimensions | undefined): void {
    this.isOpen = true;
    this.backlog.splice(0).forEach((text) => this.writeEmitter.fire(text));
    this.resolveOpened(initialDimensions ?? DEFAULT_DIMENSIONS);
  }

  close(): void {
    this.host.closed();
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.host.resize(dimensions.rows, dimensions.columns);
  }

  /** Program output. A pseudo-terminal already ends lines with CRLF; a pipe's LF needs the CR added. */
  write(text: string): void {
    if (!text) {
      return;
    }
    this.show(this.mode === 'lines' ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  /** ProcLens's own lines, dimmed so they are not mistaken for the program's, on a line of their own. */
  notice(text: string): void {
    this.show(`${this.endsWithNewline ? '' : '\r\n'}\x1b[2m${text}\x1b[0m\r\n`);
  }

  /** Ends the terminal for good (the run was cleared or the window closes). */
  dispose(): void {
    this.closeEmitter.fire();
  }

  handleInput(data: string): void {
    if (this.mode === 'terminal') {
      this.host.input(data);
    } else {
      this.editLine(data);
    }
  }

  private show(text: string): void {
    this.endsWithNewline = text.endsWith('\n');
    if (this.isOpen) {
      this.writeEmitter.fire(text);
    } else {
      this.backlog.push(text);
    }
  }

  private editLine(data: string): void {
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
        this.show('\r\n');
        this.sendLine(this.line + '\n');
        this.line = '';
      } else if (char === '\x7f' || char === '\b') {
        if (this.line.length) {
          this.line = [...this.line].slice(0, -1).join('');
          this.writeEmitter.fire('\b \b');
        }
      } else if (char === '\x03') {
        this.show('^C\r\n');
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
