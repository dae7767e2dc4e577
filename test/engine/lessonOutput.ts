/**
 * What each of the lesson's examples may print, exactly.
 *
 * Everything the lesson fixes is fixed here: every line of every process, each process's lines
 * in their order, and "this comes after that" as stages (after a join(), after a sleep). The
 * only freedom besides the order of concurrent processes is the races the lesson documents,
 * declared in RACES: each racy line lists every outcome it may have, each with its reason.
 */
import { describeOutcome, describeScenarios, killedBefore, killedWithin, matchInterleaving, Outcome, Print, printed, Race, Scenario, Stream, Writes } from './interleavings';

/** A child's pid as printed: known from the model for a traced run, any number for a plain one. */
export type PidOf = (name: string) => string | RegExp;

// Why a print of a process killed by a signal may be cut in two: ProcLens runs Python with
// PYTHONUNBUFFERED, and then print() hands each argument, separator and the newline to write()
// on its own; SIGTERM's default action ends the process between any two system calls. A plain
// run (buffered pipe, flush=True) makes each print one write() of a few bytes, which a pipe
// takes whole (POSIX: up to PIPE_BUF bytes at once), so there the line is all there or absent.
const CUT_UNBUFFERED =
  'unbuffered (ProcLens sets PYTHONUNBUFFERED) print() writes the text and its newline in two write() calls, and SIGTERM may end the child between them: the text comes out without its newline (never so in a plain, buffered run: there a flushed print is one atomic pipe write)';

/** The lines of the lesson's examples whose outcome is a race, per example. */
export const RACES = {
  s09_terminate_is_alive: {
    firstIsAlive: {
      line: 'main: print(p.is_alive()) right after p.terminate()',
      outcomes: [
        printed(
          ['True'],
          'lesson §9: "p.terminate() #关闭进程, 不会立即关闭, 所以is_alive立刻查看的结果可能还是存活" and "#结果为True": terminate() only sends SIGTERM and returns; is_alive() polls waitpid(WNOHANG) at once, mostly before the child has died',
        ),
        printed(
          ['False'],
          'the same comment says "可能" (may) still be alive: when the parent loses the CPU between terminate() and is_alive() (a busy machine), the child has died by then, and the poll reaps it',
        ),
      ],
    },
    childFirstLine: {
      line: "egon: print('egon is piaoing'), its first line",
      outcomes: [
        killedBefore('terminate() comes right after start(), so SIGTERM mostly ends the child before its run() prints: always, in practice, under spawn and forkserver, where the child still has an interpreter to start'),
        printed(['egon is piaoing'], '"不会立即关闭" (it does not close at once): under fork the child runs at once and may print its first line before SIGTERM lands (the example\'s header says so)'),
        killedWithin(['egon is piaoing'], CUT_UNBUFFERED),
      ],
    },
  },
  s10_daemon: {
    daemonFirstLine: {
      line: "egon (daemon): print('egon is piaoling'), its first line",
      outcomes: [
        killedBefore('lesson §10: "守护进程会在主进程代码执行结束后就终止": the main program prints and its code ends right after start(); multiprocessing\'s exit handler then sends the daemon SIGTERM, often before it printed'),
        printed(['egon is piaoling'], 'the daemon runs alongside the main program and may get its first line out before the main program\'s code ends ("主进程代码运行结束,守护进程随即终止": only then is it ended)'),
        killedWithin(['egon is piaoling'], CUT_UNBUFFERED),
      ],
    },
  },
} satisfies Record<string, Record<string, Race>>;

const piao = (name: string, first: string): Stream => ({ who: name, prints: [[`${name} ${first}`], [`${name} piao end`]] });
const one = (...prints: Print[]) => prints;

/**
 * Each example's output: a scenario per example (stages of concurrent streams). The races are
 * RACES's; nothing else varies but the order of concurrent processes.
 */
export const OUTPUT: Record<string, (pidOf: PidOf) => Scenario> = {
  // Children print concurrently, in any order; under fork one may print before '主线程'.
  s06_start_four_processes: () => [[{ who: 'main', prints: one(['主线程']) }, ...['egon', 'alex', 'wupeiqi', 'yuanhao'].map((n) => piao(n, 'piaoing'))]],
  // join() before the main program prints.
  s06_data_isolation: () => [[{ who: 'Process-1', prints: one(['子程序', '200']) }], [{ who: 'main', prints: one(['主程序', '100']) }]],
  // Joined one by one after all four started: '主线程' is last.
  s08_join_all: () => [['egon', 'alex', 'wupeiqi', 'yuanhao'].map((n) => piao(n, 'piaoling')), [{ who: 'main', prints: one(['主线程']) }]],
  // The lesson's point: join(1) gives up after 1 s, so '主程序' comes while egon still sleeps
  // (its end is 2 s after its first line: a full second to spare).
  s08_join_timeout: () => [
    [{ who: 'egon', prints: one(['egon is piaoling']) }, { who: 'main', prints: one(['主程序']) }],
    [{ who: 'egon', prints: one(['egon piao end']) }],
  ],
  s09_name_and_pid: (pidOf) => [[{ who: 'main', prints: one(['PID', pidOf('Piao-1')]) }, piao('Piao-1', 'is piaoling')]],
  // After the 1 s sleep the child is gone, whatever the race: "#结果为False", then its exit
  // code, -15 (SIGTERM). 'egon piao end' never comes: the child sleeps 2 s first.
  s09_terminate_is_alive: () => [
    [
      { who: 'main', prints: [RACES.s09_terminate_is_alive.firstIsAlive] },
      { who: 'egon', prints: [RACES.s09_terminate_is_alive.childFirstLine] },
    ],
    [{ who: 'main', prints: one(['False'], ['exitcode', '-15']) }],
  ],
  // 'egon piao end' never comes: 2 s after the daemon's first line, long after its end.
  s10_daemon: () => [[{ who: 'main', prints: one(['主程序']) }, { who: 'egon', prints: [RACES.s10_daemon.daemonFirstLine] }]],
  s10_daemon_no_children: () => [
    [{ who: 'egon', prints: one(['egon is piaoling'], ['AssertionError:', 'daemonic processes are not allowed to have children'], ['egon piao end']) }],
    [{ who: 'main', prints: one(['主程序']) }],
  ],
};

/** What a comparison found: the outcome each race took, or why the output is not allowed. */
export type Verdict = { readonly allowed: true; readonly races: ReadonlyMap<Race, Outcome> } | { readonly allowed: false; readonly problem: string };

/**
 * Whether `output` is one the lesson allows for `example`: an interleaving of its processes'
 * prints in which each race line took one of its declared outcomes.
 */
export function compareLessonOutput(example: string, output: string, writes: Writes, pidOf: PidOf = () => /\d+/): Verdict {
  const scenario = OUTPUT[example]?.(pidOf);
  if (!scenario) {
    return { allowed: false, problem: `no declared output for ${example}` };
  }
  const races = matchInterleaving(output, scenario, writes);
  if (races) {
    return { allowed: true, races };
  }
  return {
    allowed: false,
    problem: `${JSON.stringify(output)} is not one of the outputs the lesson allows for ${example}: an interleaving of (writes: ${writes})\n${describeScenarios([scenario])}`,
  };
}

/** The races' outcomes in a verdict, as text: "main: print(p.is_alive()) … → \"True\"". */
export const describeRaces = (races: ReadonlyMap<Race, Outcome>) => [...races].map(([race, outcome]) => `${race.line} → ${describeOutcome(outcome)}`);
