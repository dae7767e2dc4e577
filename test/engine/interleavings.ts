/**
 * What a multi-process program may print, and a check that an output is one of those.
 *
 * Processes share one stdout pipe, so the output is an interleaving of each process's writes,
 * each process's own in order. How big a write is matters: with Python's default pipe buffering
 * and flush=True a print() is one write, but under PYTHONUNBUFFERED (which ProcLens sets) print()
 * writes each argument, each separator and the newline separately, and another process's write
 * can land between them ("egon piaoingalex piaoing\n\n" is a real output). Anything else, a
 * changed word, a lost or extra line, a process's lines out of its own order, is a failure.
 */

/** One print() call: its arguments as str() gives them (a RegExp where the value is not known). */
export type Print = readonly (string | RegExp)[];

/** What one process prints, in order. */
export interface Stream {
  readonly who: string;
  readonly prints: readonly Print[];
  /** Killed by a signal: it may stop between any two of its writes, even before the first. */
  readonly mayBeCut?: boolean;
}

/**
 * Streams that print at the same time. The stages of a scenario follow one another: a stage
 * starts only when everything of the one before has been printed (after a join(), say).
 */
export type Stage = readonly Stream[];
export type Scenario = readonly Stage[];

/** `whole`: a print() is one write; `pieces`: each argument, space and newline is its own. */
export type Writes = 'whole' | 'pieces';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const source = (part: string | RegExp) => (typeof part === 'string' ? escape(part) : part.source);

function writesOf(print: Print, writes: Writes): RegExp[] {
  const parts = print.flatMap((part, i) => (i ? [' ', part] : [part]));
  parts.push('\n');
  const sticky = (pieces: readonly (string | RegExp)[]) => new RegExp(pieces.map(source).join(''), 'y');
  return writes === 'whole' ? [sticky(parts)] : parts.map((part) => sticky([part]));
}

/** Whether `output` is one interleaving of `scenario`'s writes. */
export function isInterleaving(output: string, scenario: Scenario, writes: Writes): boolean {
  const stages = scenario.map((stage) => stage.map((stream) => ({ cut: !!stream.mayBeCut, writes: stream.prints.flatMap((p) => writesOf(p, writes)) })));
  const failed = new Set<string>();
  const search = (stage: number, done: number[], at: number): boolean => {
    if (stage === stages.length) {
      return at === output.length;
    }
    const key = `${stage}:${done.join(',')}:${at}`;
    if (failed.has(key)) {
      return false;
    }
    const streams = stages[stage];
    const stageOver = streams.every((s, i) => s.cut || done[i] === s.writes.length);
    if (stageOver && search(stage + 1, new Array(stages[stage + 1]?.length ?? 0).fill(0), at)) {
      return true;
    }
    for (let i = 0; i < streams.length; i++) {
      const next = streams[i].writes[done[i]];
      if (!next) {
        continue;
      }
      next.lastIndex = at;
      const match = next.exec(output);
      // An empty match cannot happen (every write has text), so the search always moves on.
      if (match && search(stage, done.map((d, j) => (j === i ? d + 1 : d)), at + match[0].length)) {
        return true;
      }
    }
    failed.add(key);
    return false;
  };
  return search(0, new Array(stages[0]?.length ?? 0).fill(0), 0);
}

/** The scenarios as text, for a failure message. */
export function describeScenarios(scenarios: readonly Scenario[]): string {
  const print = (p: Print) => p.map((part) => (typeof part === 'string' ? part : `/${part.source}/`)).join(' ');
  return scenarios
    .map((scenario, n) =>
      [`scenario ${n + 1}:`, ...scenario.map((stage, s) => `  stage ${s + 1}: ${stage.map((st) => `${st.who}${st.mayBeCut ? ' (may be cut short)' : ''} [${st.prints.map(print).join(' | ')}]`).join(' ∥ ')}`)].join('\n'),
    )
    .join('\n');
}
