/**
 * Lines the real tracer wrote, one of each kind: a spawn run of
 * test/fixtures/python/every_event.py under Python 3.8, captured with
 * `node out/test/engine/tracerLines.js spawn` (after `node scripts/test.js compile`), which
 * also replaces this machine's repository folder by /repo and the interpreter by
 * /usr/bin/python3. Regenerate them the same way when the tracer changes what it writes;
 * the engine test tracerLines.test.ts fails when these no longer look like a real run.
 */
export const REAL_LINES = {
  hello: '{"e":"hello","pid":7078,"ppid":7076,"t":1795920596.101162,"exe":"/usr/bin/python3","argv":["-c","--multiprocessing-fork"],"py":"3.8.18"}',
  start:
    '{"e":"start","pid":7076,"t":1795920596.080521,"child":7078,"name":"quick","daemon":false,"method":"spawn","target":{"name":"work","file":"/repo/test/fixtures/python/every_event.py","line":12},"site":{"file":"/repo/test/fixtures/python/every_event.py","line":19}}',
  joinEnter: '{"e":"join","pid":7076,"t":1795920596.081026,"child":7078,"phase":"enter","timeout":5}',
  boot: '{"e":"boot","pid":7078,"t":1795920596.129634,"ppid":7076,"name":"quick","daemon":false}',
  exit: '{"e":"exit","pid":7078,"t":1795920596.130013,"code":0}',
  reaped: '{"e":"reaped","pid":7076,"t":1795920596.139276,"child":7079,"code":-15}',
  joinLeave: '{"e":"join","pid":7076,"t":1795920596.139293,"child":7079,"phase":"leave","timeout":null,"code":-15}',
  rename: '{"e":"rename","pid":7076,"t":1795920596.139014,"child":7079,"name":"renamed"}',
  signal: '{"e":"signal","pid":7076,"t":1795920596.139106,"child":7079,"sig":"SIGTERM"}',
} as const;
