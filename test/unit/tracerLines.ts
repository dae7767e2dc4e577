/**
 * Lines the real tracer wrote, one of each kind: spawn runs of
 * test/fixtures/python/every_event.py under Python 3.8, captured with
 * `node out/test/engine/tracerLines.js spawn` (after `node scripts/test.js compile`), which
 * also replaces this machine's repository folder by /repo and the interpreter by
 * /usr/bin/python3. Regenerate them the same way when the tracer changes what it writes;
 * the engine test tracerLines.test.ts fails when these no longer look like a real run.
 * helloWithThread, thread, threadEnd, wait, woke and stacks come from a later run than the
 * others, of the fixture as it is now.
 */
export const REAL_LINES = {
  hello: '{"e":"hello","pid":7078,"ppid":7076,"t":1795920596.101162,"exe":"/usr/bin/python3","argv":["-c","--multiprocessing-fork"],"py":"3.8.18"}',
  helloWithThread:
    '{"e":"hello","pid":13562,"ppid":13560,"t":1795930915.735588,"exe":"/usr/bin/python3","argv":["/usr/bin/python3","-B","-c","from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=6, pipe_handle=8)","--multiprocessing-fork"],"py":"3.8.18","tid":140275795807104,"native":13562,"thread":"MainThread","stk":63}',
  start:
    '{"e":"start","pid":7076,"t":1795920596.080521,"child":7078,"name":"quick","daemon":false,"method":"spawn","target":{"name":"work","file":"/repo/test/fixtures/python/every_event.py","line":12},"site":{"file":"/repo/test/fixtures/python/every_event.py","line":19}}',
  joinEnter: '{"e":"join","pid":7076,"t":1795920596.081026,"child":7078,"phase":"enter","timeout":5}',
  boot: '{"e":"boot","pid":7078,"t":1795920596.129634,"ppid":7076,"name":"quick","daemon":false}',
  exit: '{"e":"exit","pid":7078,"t":1795920596.130013,"code":0}',
  reaped: '{"e":"reaped","pid":7076,"t":1795920596.139276,"child":7079,"code":-15}',
  joinLeave: '{"e":"join","pid":7076,"t":1795920596.139293,"child":7079,"phase":"leave","timeout":null,"code":-15}',
  rename: '{"e":"rename","pid":7076,"t":1795920596.139014,"child":7079,"name":"renamed"}',
  signal: '{"e":"signal","pid":7076,"t":1795920596.139106,"child":7079,"sig":"SIGTERM"}',
  thread:
    '{"e":"thread","pid":13560,"t":1795930915.767390,"tid":140602288735936,"native":13564,"name":"helper","daemon":false,"target":{"name":"settle","file":"/repo/test/fixtures/python/every_event.py","line":20}}',
  wait: '{"e":"wait","pid":13560,"t":1795930915.767561,"tid":140602301598592,"kind":"event","call":"Event.wait","on":null,"timeout":null,"site":{"file":"/repo/test/fixtures/python/every_event.py","line":47}}',
  threadEnd: '{"e":"thread-end","pid":13560,"t":1795930915.867871,"tid":140602288735936,"name":"helper"}',
  woke: '{"e":"woke","pid":13560,"t":1795930915.868022,"tid":140602301598592}',
  stacks: '{"e":"stacks","pid":13560,"t":1795930915.868219,"stk":null}',
} as const;

/**
 * Lines above that an earlier tracer wrote and this one writes with more fields at the end
 * (hello before it named its thread and stack signal): kept because the decoder must still
 * read them, and checked to be a leading part of a real line.
 */
export const EARLIER_LINES: ReadonlySet<keyof typeof REAL_LINES> = new Set(['hello'] as const);
