import { Choices } from './choices';
import { TOP_PID, TrueProcess, World } from './world';

/*
 * A random program of one run, lived out in a World: the run's program starts
 * children (multiprocessing, os.fork, Popen, and native ones only the OS
 * sees), they start grandchildren, return their codes, are terminated,
 * joined, reaped, orphaned; unrelated processes come and go and reuse pids.
 * Then everything ends, and the scanner reads a listing at random moments.
 */

const ARGV = ['python3', 'main.py'];
const CODES = [0, 1, 3, -9, -15];

export function liveProgram(choices: Choices): World {
  const world = new World();
  world.commit();
  world.scans.push(world.time);
  while (!choices.exhausted) {
    world.time += choices.chance(5) ? 2000 : 1 + choices.pick(300);
    // 0 (what a shrunk or used-up list gives) ends the program; anything else is an action.
    const pick = choices.pick(1000);
    if (pick === 0) {
      break;
    }
    actions[pick % actions.length](world, choices);
    world.commit();
    if (choices.chance(35)) {
      world.scans.push(world.time);
    }
  }
  endEverything(world, choices);
  return world;
}

type Action = (world: World, choices: Choices) => void;

/** A member that can run Python code now: not blocked in join() and not yet ended. */
function pythonRunning(world: World): TrueProcess[] {
  return world.alive().filter((p) => p.member && p.speaks && p.state === 'running' && p.joining === undefined);
}

const startChild: Action = (world, choices) => {
  const parents = world.alive().filter((p) => p.member && p.joining === undefined);
  const pids = world.freePids(false);
  if (!parents.length || !pids.length) {
    return;
  }
  const parent = choices.oneOf(parents);
  const pid = choices.oneOf(pids);
  const how = parent.speaks && parent.state === 'running' ? choices.oneOf(['mp', 'fork', 'popen', 'native'] as const) : 'native';
  // start() may fork seconds after it was called, which stamps its report: the first one under
  // forkserver launches the fork server first. The pid was free when it was called.
  const calledAt = world.time;
  if (how === 'mp' && choices.chance(10)) {
    world.time += 1 + choices.pick(3000);
  }
  // A native child may leave the session (setsid); Python children stay in it.
  const session = how === 'native' && choices.chance(15) ? pid : parent.sessionId;
  const speaks = how === 'mp' || how === 'fork' ? !choices.chance(15) : how === 'popen' && choices.chance(50);
  const child = world.spawn(pid, how, parent, session, speaks);
  if (how === 'mp') {
    world.say(parent, { kind: 'start', pid: parent.pid, child: pid, name: `Process-${child.id}`, daemon: false, method: 'fork', target: null, site: null }, [child], calledAt);
  } else if (how === 'fork') {
    world.say(parent, { kind: 'fork', pid: parent.pid, child: pid }, [child]);
  } else if (how === 'popen') {
    world.say(parent, { kind: 'popen', pid: parent.pid, child: pid, argv: speaks ? ARGV : ['/usr/bin/sleep', '9'] }, [child]);
  }
  world.say(child, { kind: 'hello', pid, ppid: parent.pid, executable: 'python3', argv: ARGV, pythonVersion: '3.12.0' }, [parent]);
  if (how === 'mp') {
    world.say(child, { kind: 'boot', pid, ppid: parent.pid, name: `Process-${child.id}`, daemon: false }, [parent]);
  }
};

const startStranger: Action = (world, choices) => {
  const pids = world.freePids(true);
  if (!pids.length) {
    return;
  }
  const parents = world.alive().filter((p) => !p.member && p.pid !== 1);
  const parent = choices.chance(50) && parents.length ? choices.oneOf(parents) : world.processes[0];
  const pid = choices.oneOf(pids);
  // A child of init leads a session of its own: with pid 100 that is the run's old session id.
  world.spawn(pid, 'foreign', parent, parent.pid === 1 ? pid : parent.sessionId);
};

const returnCode: Action = (world, choices) => {
  const children = pythonRunning(world).filter((p) => p.origin === 'mp');
  if (children.length) {
    const child = choices.oneOf(children);
    child.returned = choices.oneOf([0, 1, 3]);
    child.state = 'exiting';
    world.say(child, { kind: 'exit', pid: child.pid, code: child.returned });
  }
};

const die: Action = (world, choices) => {
  const candidates = world.alive().filter((p) => p.pid !== 1 && p.pid !== 50 && (p !== world.top || choices.chance(30)));
  if (candidates.length) {
    const p = choices.oneOf(candidates);
    world.die(p, p.state === 'exiting' ? p.returned ?? 0 : choices.oneOf(CODES));
  }
};

const terminate: Action = (world, choices) => {
  const pairs = pythonRunning(world).flatMap((parent) =>
    world.alive().filter((c) => c.ppid === parent.pid && (c.origin === 'mp' || c.origin === 'fork' || c.origin === 'popen')).map((c) => [parent, c] as const),
  );
  if (pairs.length) {
    const [parent, child] = choices.oneOf(pairs);
    world.say(parent, { kind: 'signal', pid: parent.pid, child: child.pid, signal: 'SIGTERM' }, [child]);
    world.die(child, -15);
  }
};

const joinEnter: Action = (world, choices) => {
  const pairs = pythonRunning(world).flatMap((parent) =>
    world.existing().filter((c) => c.ppid === parent.pid && c.origin === 'mp').map((c) => [parent, c] as const),
  );
  if (pairs.length) {
    const [parent, child] = choices.oneOf(pairs);
    parent.joining = child.id;
    world.say(parent, { kind: 'join', pid: parent.pid, child: child.pid, phase: 'enter', timeout: null, code: null }, [child]);
  }
};

/** join() returns: the child ended and was collected, or the timeout passed. */
const joinLeave: Action = (world, choices) => {
  const joiners = world.alive().filter((p) => p.joining !== undefined);
  if (!joiners.length) {
    return;
  }
  const parent = choices.oneOf(joiners);
  const child = world.processes[parent.joining!];
  parent.joining = undefined;
  const code = child.state === 'zombie' ? child.code! : null;
  if (child.state === 'zombie') {
    world.say(parent, { kind: 'reaped', pid: parent.pid, child: child.pid, code }, [child]);
    world.collect(child);
  }
  world.say(parent, { kind: 'join', pid: parent.pid, child: child.pid, phase: 'leave', timeout: code === null ? 1 : null, code }, [child]);
};

/** A parent collects a zombie child: waitpid(), Popen.wait(), is_alive(); a native parent silently. */
const reap: Action = (world, choices) => {
  const zombies = world
    .existing()
    .filter((c) => c.state === 'zombie' && c.ppid !== 1)
    .filter((c) => world.alive().some((p) => p.pid === c.ppid && p.joining === undefined && (!p.speaks || p.state === 'running')));
  if (zombies.length) {
    const child = choices.oneOf(zombies);
    const parent = world.alive().find((p) => p.pid === child.ppid)!;
    world.say(parent, { kind: 'reaped', pid: parent.pid, child: child.pid, code: child.code! }, [child]);
    world.collect(child);
  }
};

const actions: Action[] = [startChild, startChild, startChild, startChild, startStranger, returnCode, die, die, terminate, joinEnter, joinLeave, reap, reap];

/** Everything still running ends, children first; the program last; init collects the rest. */
function endEverything(world: World, choices: Choices): void {
  const order = (p: TrueProcess) => (p.pid === TOP_PID && p === world.top ? 1 : 0);
  for (const p of world.alive().filter((q) => q.pid !== 1 && q.pid !== 50).sort((a, b) => order(a) - order(b))) {
    world.time += 1 + choices.pick(50);
    if (p.state === 'running' || p.state === 'exiting') {
      world.die(p, p.state === 'exiting' ? p.returned ?? 0 : 0);
      world.commit();
    }
  }
  // Zombies of parents that never collect them: their parents end (above) and init collects them.
  world.time += 100;
  for (const p of world.existing().filter((q) => q.state === 'zombie')) {
    world.collect(p);
  }
  world.commit();
  world.scans.push(world.time);
}
