/**
 * What a multi-process program may print, and a check that an output is one of those.
 *
 * Processes share one stdout pipe, so the output is an interleaving of each process's writes,
 * each process's own in order. How big a write is matters: with Python's default pipe buffering
 * and flush=True a print() is one write, but under PYTHONUNBUFFERED (which ProcLens sets) print()
 * writes each argument, each separator and the newline separately, and another process's write
 * can land between them ("egon piaoingalex piaoing\n\n" is a real output). Anything else, a
 * changed word, a lost or extra line, a process's lines out of its own order, is a failure,
 * except where a print is a declared race (`Race`): then it may come out as one of the race's
 * outcomes, and as nothing else.
 */

/** One print() call: its arguments as str() gives them (a RegExp where the value is not known). */
export type Print = readonly (string | RegExp)[];

/**
 * How a racy print may come out. Each outcome carries its reason: the lesson's words, or what
 * CPython does.
 *  - `printed`: this value, whole;
 *  - `killedBefore`: nothing, because a signal ended the process first;
 *  - `killedWithin`: the signal fell between two of the print's writes: some of them are out,
 *    at least the first and never the last (so only where each piece is its own write).
 * After a kill, nothing more of that process comes out.
 */
export type Outcome =
  | { readonly kind: 'printed'; readonly print: Print; readonly why: string }
  | { readonly kind: 'killedBefore'; readonly why: string }
  | { readonly kind: 'killedWithin'; readonly print: Print; readonly why: string };

/** A print whose outcome is a race the lesson documents: one of `outcomes`, nothing else. */
export interface Race {
  /** The line of the example, for messages: "egon: print('egon is piaoing')". */
  readonly line: string;
  readonly outcomes: readonly Outcome[];
}

export const printed = (print: Print, why: string): Outcome => ({ kind: 'printed', print, why });
export const killedBefore = (why: string): Outcome => ({ kind: 'killedBefore', why });
export const killedWithin = (print: Print, why: string): Outcome => ({ kind: 'killedWithin', print, why });

/** What one process prints, in order: plain prints, and the races it takes part in. */
export interface Stream {
  readonly who: string;
  readonly prints: readonly (Print | Race)[];
}

/**
 * Streams that print at the same time. The stages of a scenario follow one another: a stage
 * starts only when everything of the one before has been printed (after a join(), say).
 */
export type Stage = readonly Stream[];
export type Scenario = readonly Stage[];

/** `whole`: a print() is one write; `pieces`: each argument, space and newline is its own. */
export type Writes = 'whole' | 'pieces';

export const isRace = (print: Print | Race): print is Race => !Array.isArray(print);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const source = (part: string | RegExp) => (typeof part === 'string' ? escape(part) : part.source);

function writesOf(print: Print, writes: Writes): RegExp[] {
  const parts = print.flatMap((part, i) => (i ? [' ', part] : [part]));
  parts.push('\n');
  const sticky = (pieces: readonly (string | RegExp)[]) => new RegExp(pieces.map(source).join(''), 'y');
  return writes === 'whole' ? [sticky(parts)] : parts.map((part) => sticky([part]));
}

/** One way a scenario's races may have gone: each process's writes, and the outcome each race took. */
interface Concrete {
  readonly stages: RegExp[][][];
  readonly took: ReadonlyArray<readonly [Race, Outcome]>;
}

/** Every combination of the races' outcomes, each as the exact writes of every process. */
function concretes(scenario: Scenario, writes: Writes): Concrete[] {
  // A stream's possible write lists, each with the outcomes its races took.
  type Way = { writes: RegExp[]; took: Array<readonly [Race, Outcome]> };
  const waysOf = (stream: Stream): Way[] => {
    let ways: Way[] = [{ writes: [], took: [] }];
    const ended: Way[] = [];
    for (const print of stream.prints) {
      if (!isRace(print)) {
        ways = ways.map((w) => ({ ...w, writes: [...w.writes, ...writesOf(print, writes)] }));
        continue;
      }
      const next: Way[] = [];
      for (const way of ways) {
        for (const outcome of print.outcomes) {
          const took = [...way.took, [print, outcome] as const];
          if (outcome.kind === 'printed') {
            next.push({ writes: [...way.writes, ...writesOf(outcome.print, writes)], took });
          } else if (outcome.kind === 'killedBefore') {
            ended.push({ writes: way.writes, took });
          } else {
            // Buffered, a print is one write: it cannot be cut within.
            const pieces = writesOf(outcome.print, writes);
            for (let n = 1; n < pieces.length; n++) {
              ended.push({ writes: [...way.writes, ...pieces.slice(0, n)], took });
            }
          }
        }
      }
      ways = next;
    }
    return [...ways, ...ended];
  };
  let all: Concrete[] = [{ stages: [], took: [] }];
  for (const stage of scenario) {
    let stageWays: Array<{ streams: RegExp[][]; took: Array<readonly [Race, Outcome]> }> = [{ streams: [], took: [] }];
    for (const stream of stage) {
      const ways = waysOf(stream);
      stageWays = stageWays.flatMap((s) => ways.map((w) => ({ streams: [...s.streams, w.writes], took: [...s.took, ...w.took] })));
    }
    all = all.flatMap((c) => stageWays.map((s) => ({ stages: [...c.stages, s.streams], took: [...c.took, ...s.took] })));
  }
  return all;
}

function interleaves(output: string, stages: RegExp[][][]): boolean {
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
    const stageOver = streams.every((s, i) => done[i] === s.length);
    if (stageOver && search(stage + 1, new Array(stages[stage + 1]?.length ?? 0).fill(0), at)) {
      return true;
    }
    for (let i = 0; i < streams.length; i++) {
      const next = streams[i][done[i]];
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

/** The outcome each race took, if `output` is one interleaving of `scenario`'s writes; undefined if it is none. */
export function matchInterleaving(output: string, scenario: Scenario, writes: Writes): Map<Race, Outcome> | undefined {
  for (const concrete of concretes(scenario, writes)) {
    if (interleaves(output, concrete.stages)) {
      return new Map(concrete.took);
    }
  }
  return undefined;
}

/** Whether `output` is one interleaving of `scenario`'s writes, each race taking one of its outcomes. */
export function isInterleaving(output: string, scenario: Scenario, writes: Writes): boolean {
  return matchInterleaving(output, scenario, writes) !== undefined;
}

const printText = (p: Print) => p.map((part) => (typeof part === 'string' ? part : `/${part.source}/`)).join(' ');

/** An outcome in a few words, for messages and test names. */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'printed':
      return JSON.stringify(printText(outcome.print));
    case 'killedBefore':
      return 'nothing (killed before it)';
    case 'killedWithin':
      return `part of ${JSON.stringify(printText(outcome.print))}, not its newline (killed between two writes)`;
  }
}

/** The scenarios as text, for a failure message. */
export function describeScenarios(scenarios: readonly Scenario[]): string {
  const print = (p: Print | Race) => (isRace(p) ? `{race: ${p.outcomes.map(describeOutcome).join(' or ')}}` : printText(p));
  return scenarios
    .map((scenario, n) =>
      [`scenario ${n + 1}:`, ...scenario.map((stage, s) => `  stage ${s + 1}: ${stage.map((st) => `${st.who} [${st.prints.map(print).join(' | ')}]`).join(' ∥ ')}`)].join('\n'),
    )
    .join('\n');
}
