# ProcLens tracer: tells the ProcLens core what multiprocessing does, which
# processes the program starts (os.fork, subprocess) and collects (os.wait*),
# which threads it runs, and what a thread is blocked on (a queue, a lock, a
# pipe, a pool, a join); and it lets the core ask any Python process for the
# stacks of all its threads (faulthandler, on a signal of its own).
#
# Loaded by sitecustomize.py only when PROCLENS_ADDR and PROCLENS_TOKEN are set.
# Rules it keeps, because a watched program must behave as an unwatched one:
#   - it prints nothing and lets no exception of its own reach user code;
#   - it never blocks on itself: no sender waits for a lock, since a signal
#     handler may report while the code it interrupted is sending (see
#     _Channel); the socket is non-blocking;
#   - it loses nothing it can keep: while the core is slow or cannot be
#     reached, messages wait in a bounded buffer (past the bound, new ones are
#     dropped) and the connection is retried, sooner at first, then at most
#     once a second, hello always first on each new connection;
#   - the only wait is a child's last one: before its Process code returns it
#     gives the core at most _EXIT_FLUSH seconds to take what it still holds;
#   - it starts no thread and registers no atexit handler;
#   - it patches multiprocessing, subprocess, threading and queue only when the
#     program imports them; os.fork and os.wait* are wrapped at start-up, since
#     subprocess keeps its own reference to os.waitpid from its import on;
#   - a wrapped blocking call behaves exactly as the original: the tracer only
#     makes it in two parts, a quiet first one (non-blocking, or for a moment)
#     and, if that did not do, the rest, reported;
#   - it never waits for a child itself: that would take the exit status from
#     the program;
#   - the stack dump signal is only ever one nobody else uses (default
#     disposition at start), and is given up the moment the program sets its
#     own handler for it.
#
# Protocol: one stream connection per process; the first line is the token,
# then one JSON object per line. The fields are described in
# src/core/protocol/tracerEvents.ts.
import _thread
import os
import sys
import time

# Bytes held back while the core is slow or away; past this, new messages are dropped.
_MAX_PENDING = 1 << 20
# Lines waiting for a sender that a signal handler interrupted (see _Channel).
_MAX_QUEUED = 4096
# After a failed connect the next try waits this long, doubling up to the last.
_RETRY_FIRST = 0.01
_RETRY_LAST = 1.0
# How long an exiting child waits for the core to take what it still holds.
_EXIT_FLUSH = 0.5
_LIB_DIR = os.path.dirname(os.__file__)
_MP_DIR = _LIB_DIR + os.sep + "multiprocessing"
_TRACER_FILES = (os.path.abspath(__file__), os.path.abspath(__file__)[:-1] + "c")
# A frame of the tracer is one whose globals are these.
_GLOBALS = globals()

_get_ident = _thread.get_ident
# 3.8 and later: the OS's number for the thread (what ps and /proc show).
_get_native_id = getattr(_thread, "get_native_id", None)

# A forked child shares its parent's memory until one of them writes to it, and
# on some machines each first write to a shared page (a copy-on-write fault)
# costs tens of microseconds; in Python even reading an object writes its
# reference count. Reports run between two forks (the parent's) or in a fresh
# child, so they touch as few objects as possible: messages are formatted with
# %, from pieces prepared once here, and sent on a bare _socket; no json, no
# socket module, no at-fork hook.
_ADDRESS = os.environ.get("PROCLENS_ADDR", "")
_TOKEN_LINE = os.environ.get("PROCLENS_TOKEN", "").encode("ascii", "replace") + b"\n"

try:
    from _json import encode_basestring_ascii as _json_text
except ImportError:
    from json import dumps as _json_text


def _command_line():
    """The interpreter's own command line, as the OS shows it.

    sys.orig_argv is new in 3.10; before, sys.argv is all Python keeps, and it
    lacks the interpreter and the code of -c, which name the process (the fork
    server and the resource tracker are -c programs). 3.6 sets even sys.argv
    only after sitecustomize has run.
    """
    argv = getattr(sys, "orig_argv", None)
    if argv:
        return list(argv)
    try:
        with open("/proc/self/cmdline", "rb") as stream:
            return [os.fsdecode(arg) for arg in stream.read().split(b"\0")[:-1]]
    except Exception:
        return [sys.executable] + list(getattr(sys, "argv", None) or [])


def _hello_tail():
    """The part of the hello message that a forked child shares with its parent."""
    argv = _command_line()
    return ',"exe":%s,"argv":[%s],"py":"%d.%d.%d"' % (
        _json_text(sys.executable) if sys.executable else "null",
        ",".join(_json_text(str(arg)) for arg in argv),
        sys.version_info[0],
        sys.version_info[1],
        sys.version_info[2],
    )


class _Channel(object):
    """The process's connection to the core, opened on first use.

    A forked child notices that it is one (its pid differs) on its first
    message and opens its own connection; until then it only holds a copy of
    its parent's descriptor, which it never writes to.

    Any sender may be a signal handler that interrupted another sender of the
    same thread, so nothing here waits for a lock: each line goes into a queue
    and whoever holds the lock (or gets it) sends the queue, in order, before
    letting go. Appending before trying the lock, and looking at the queue again
    after releasing it, leaves no line behind.
    """

    def __init__(self):
        self._hello_tail = _hello_tail()
        self._reset()

    def _reset(self):
        self._sock = None
        self._pid = os.getpid()
        # The thread the process began with: the main thread, or in a forked
        # child the thread that forked (a forked child's first message comes
        # from it: its boot, or the hello its fork wrapper sends).
        self._tid = _get_ident()
        self._native = _get_native_id() if _get_native_id is not None else None
        # The hello keeps this time on every connection, so that a reconnect is
        # news about the same process, not a new one.
        self._born = time.time()
        self._queue = []
        self._pending = b""
        # The first pending line was partly sent on a connection since lost.
        self._midline = False
        self._backoff = 0.0
        self._retry_at = 0.0
        # A lock a thread of the parent held at fork time would never be released here.
        self._lock = _thread.allocate_lock()

    def _forked(self):
        sock = self._sock
        self._reset()
        if sock is not None:
            try:
                sock.close()
            except Exception:
                pass

    def open(self):
        """Connects and says hello now, so the core knows the process from its start."""
        try:
            if self._pid != os.getpid():
                self._forked()
            if self._lock.acquire(False):
                try:
                    if self._sock is None and self._connect():
                        self._write()
                finally:
                    self._lock.release()
        except Exception:
            pass

    def send(self, line):
        """Sends one message, already formatted as a JSON line; never waits."""
        try:
            if self._pid != os.getpid():
                self._forked()
            queue = self._queue
            # Only a sender stopped inside a long signal handler lets the queue grow.
            if len(queue) < _MAX_QUEUED:
                queue.append(line)
            self._drain()
        except Exception:
            pass

    def _drain(self):
        queue = self._queue
        lock = self._lock
        while queue and lock.acquire(False):
            try:
                self._send_queued()
            finally:
                lock.release()

    def flush(self, seconds):
        """Waits, `seconds` at most, until the OS holds all the process said.

        For a child about to exit: it calls os._exit (or exits with no atexit
        handler of ours), and whatever is still pending then is lost.
        """
        try:
            if self._pid != os.getpid() or not self._lock.acquire(False):
                # Nothing said yet, or a frame below this one is sending: it will finish.
                return
            try:
                self._send_queued()
                if self._pending and self._sock is None:
                    # One more try, whatever the delay says; no waiting for a core that is not there.
                    self._retry_at = 0.0
                    if not self._connect():
                        return
                deadline = time.monotonic() + seconds
                while self._pending and self._sock is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._write(left)
                    self._send_queued()
            finally:
                self._lock.release()
            # Lines a signal handler queued while this held the lock.
            self._drain()
        except Exception:
            pass

    def _send_queued(self):
        """With the lock held: moves the queued lines to the pending bytes, then writes."""
        queue = self._queue
        while queue:
            # Others only append, so the first `count` lines stay as they are.
            count = len(queue)
            text = "".join(queue[:count])
            del queue[:count]
            data = text.encode("utf-8")
            if len(self._pending) + len(data) > _MAX_PENDING:
                continue
            self._pending += data
            # A connection found lost is replaced at once if the delay allows.
            for _ in (0, 1):
                if self._sock is None and not self._connect():
                    break
                if self._write():
                    break

    def _connect(self):
        now = time.monotonic()
        if now < self._retry_at:
            return False
        import _socket

        try:
            if _ADDRESS.startswith("unix:"):
                sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
                sock.setblocking(False)
                try:
                    sock.connect(_ADDRESS[len("unix:"):])
                except Exception:
                    sock.close()
                    raise
            elif _ADDRESS.startswith("tcp:"):
                host, _, port = _ADDRESS[len("tcp:"):].rpartition(":")
                sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
                # Loopback TCP (Windows) connects at once or not at all.
                sock.settimeout(0.2)
                try:
                    sock.connect((host, int(port)))
                except Exception:
                    sock.close()
                    raise
                sock.setblocking(False)
            else:
                self._retry_at = float("inf")
                return False
        except Exception:
            # Not there yet, or its queue of new connections is full (a burst of
            # starts): try again later, sooner at first.
            self._backoff = min(self._backoff * 2 or _RETRY_FIRST, _RETRY_LAST)
            self._retry_at = now + self._backoff
            return False
        self._sock = sock
        self._backoff = 0.0
        if self._midline:
            # The rest of a line whose start went to the lost connection.
            cut = self._pending.find(b"\n")
            self._pending = self._pending[cut + 1:] if cut >= 0 else b""
            self._midline = False
        hello = '{"e":"hello","pid":%d,"ppid":%d,"t":%.6f%s,"tid":%d,"native":%s,"thread":%s,"stk":%s}\n' % (
            os.getpid(),
            os.getppid(),
            self._born,
            self._hello_tail,
            self._tid,
            "null" if self._native is None else "%d" % self._native,
            _json_text(_thread_name(self._tid)),
            "null" if _stack_signal is None else "%d" % _stack_signal,
        )
        self._pending = _TOKEN_LINE + hello.encode("utf-8") + self._pending
        return True

    def _write(self, wait=0.0):
        """Writes what the socket takes now (or within `wait` seconds); False if the connection is lost."""
        import _socket

        sock = self._sock
        data = self._pending
        try:
            if wait:
                sock.settimeout(wait)
            try:
                sent = sock.send(data)
            finally:
                if wait:
                    sock.setblocking(False)
        except (BlockingIOError, InterruptedError, _socket.timeout):
            return True
        except OSError:
            # The core has gone away (for example the editor restarted): reconnect later.
            try:
                sock.close()
            except Exception:
                pass
            self._sock = None
            return False
        if sent:
            self._pending = data[sent:]
            self._midline = data[sent - 1:sent] != b"\n"
        return True


_channel = _Channel()


def _line(event, fields, when=None):
    """One message as a JSON line: `fields` is the JSON text of the fields after e, pid and t (now, unless `when`)."""
    return '{"e":"%s","pid":%d,"t":%.6f,%s}\n' % (event, os.getpid(), time.time() if when is None else when, fields)


def _emit(event, fields, when=None):
    """Sends one message (see _line)."""
    _channel.send(_line(event, fields, when))


def _number_text(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf"):
        return repr(value)
    return "null"


def _place_text(name, filename, line):
    """A source place as JSON text: {"name", "file", "line"}, name left out when None."""
    text = '"file":%s,"line":%s}' % (
        _json_text(filename) if isinstance(filename, str) else "null",
        "%d" % line if isinstance(line, int) else "null",
    )
    return text if name is None else '{"name":%s,%s' % (_json_text(name), text)


def _describe_target(process, base_run):
    """A Process's or a Thread's target function, or its subclass's run, as JSON text."""
    target = getattr(process, "_target", None)
    if getattr(target, "__globals__", None) is _GLOBALS:
        # One of the tracer's own wrappers (a queue's feeder): name what it wraps.
        target = getattr(target, "__wrapped__", target)
    if target is not None:
        code = getattr(target, "__code__", None)
        name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)
        if code is None:
            return _place_text(str(name), None, None)
        return _place_text(str(name), code.co_filename, code.co_firstlineno)
    run = type(process).run
    if run is not base_run:
        code = getattr(run, "__code__", None)
        if code is not None:
            return _place_text(type(process).__qualname__, code.co_filename, code.co_firstlineno)
    return "null"


def _caller_site():
    """The first frame outside multiprocessing and the tracer: where start() was called."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_MP_DIR) and filename not in _TRACER_FILES:
            return "{" + _place_text(None, filename, frame.f_lineno)
        frame = frame.f_back
    return "null"


def _popen_pid(process):
    popen = getattr(process, "_popen", None)
    return getattr(popen, "pid", None)


def _quietly(report):
    def guarded(*args, **kwargs):
        try:
            report(*args, **kwargs)
        except Exception:
            pass

    return guarded


def _wrap(owner, attribute, make):
    original = owner.__dict__[attribute]
    replacement = make(original)
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(replacement, name, getattr(original, name))
        except (AttributeError, TypeError):
            pass
    replacement.__wrapped__ = original
    setattr(owner, attribute, replacement)


def _wrap_static(owner, attribute, make):
    """_wrap for a staticmethod: `make` is given the plain function and returns one."""
    original = owner.__dict__[attribute].__func__
    replacement = make(original)
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(replacement, name, getattr(original, name))
        except (AttributeError, TypeError):
            pass
    replacement.__wrapped__ = original
    setattr(owner, attribute, staticmethod(replacement))


def _wrap_class(owner, attribute, make):
    """_wrap for a classmethod: `make` is given the plain function and returns one."""
    original = owner.__dict__[attribute].__func__
    replacement = make(original)
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(replacement, name, getattr(original, name))
        except (AttributeError, TypeError):
            pass
    replacement.__wrapped__ = original
    setattr(owner, attribute, classmethod(replacement))


def _thread_name(tid):
    """What threading calls the thread `tid`; "MainThread" while the program has not imported threading."""
    try:
        threading = sys.modules.get("threading")
        thread = threading._active.get(tid) if threading is not None else None
        if thread is not None:
            return str(thread.name)
    except Exception:
        pass
    return "MainThread"


def _native_text():
    return "null" if _get_native_id is None else "%d" % _get_native_id()


# Stack dumps. With PROCLENS_STACKS set (a folder the core keeps for this), every
# Python process asks faulthandler to write the stacks of all its threads to
# <folder>/<pid>.stack when a real-time signal of the tracer's choosing arrives,
# and says which in its hello ("stk"). faulthandler writes from its own C signal
# handler: no thread of the tracer's, no ptrace, and no Python code runs, so
# even a process stuck in C answers. It never chains to the default action,
# which would end the process; a system call the signal interrupts is resumed
# by Python (PEP 475).
_STACKS = os.environ.get("PROCLENS_STACKS", "")
_STACK_PREFIX = os.path.join(_STACKS, "") if _STACKS else ""
# O_APPEND: the core empties the file before each request, and each dump must
# start at the file's new end, not where the last one ended.
_STACK_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
# The signal that dumps this process's stacks; None while none does.
_stack_signal = None
# The descriptor of this process's stack file, and the file's (st_dev, st_ino):
# a descriptor the program has closed and reused for a file of its own is
# never closed by the tracer.
_stack_fd = -1
_stack_file_id = None
# faulthandler.register, once stacks are on (imported only then).
_register_dump = None


def _open_stack_file():
    fd = os.open(_STACK_PREFIX + "%d.stack" % os.getpid(), _STACK_FLAGS, 0o600)
    try:
        found = os.fstat(fd)
    except Exception:
        os.close(fd)
        raise
    return fd, (found.st_dev, found.st_ino)


def _close_stack_file():
    global _stack_fd
    fd, _stack_fd = _stack_fd, -1
    try:
        found = os.fstat(fd)
        if (found.st_dev, found.st_ino) == _stack_file_id:
            os.close(fd)
    except Exception:
        pass


def _start_stacks():
    """At start-up: takes a real-time signal nobody uses and has faulthandler dump the stacks on it."""
    global _stack_signal, _stack_fd, _stack_file_id, _register_dump
    if not _STACKS:
        return
    import _signal

    low = getattr(_signal, "SIGRTMIN", None)
    high = getattr(_signal, "SIGRTMAX", None)
    if low is None or high is None:
        return
    try:
        blocked = _signal.pthread_sigmask(_signal.SIG_BLOCK, ())
    except Exception:
        blocked = ()
    # From the top down, since the programs and libraries that use real-time
    # signals mostly take theirs counting up from SIGRTMIN; SIGRTMAX itself and
    # the lowest few are left to them all the same.
    for number in range(high - 1, low + 3, -1):
        # Only the default disposition: not one that the program's parent set
        # to be ignored (that survives exec), nor one that C code set (None).
        if number not in blocked and _signal.getsignal(number) == _signal.SIG_DFL:
            break
    else:
        return
    import faulthandler

    fd, file_id = _open_stack_file()
    try:
        faulthandler.register(number, file=fd, all_threads=True, chain=False)
    except Exception:
        os.close(fd)
        raise
    _stack_signal, _stack_fd, _stack_file_id, _register_dump = number, fd, file_id, faulthandler.register
    _watch_signal(_signal)
    _watch_exec()


def _restack(caller):
    """In a forked child: its own stack file, in place of the parent's it inherited.

    A plain os.fork() child also says hello at once, so that the core knows
    its signal; a multiprocessing child says hello with its boot anyway.
    """
    global _stack_signal, _stack_fd, _stack_file_id
    try:
        fd, file_id = _open_stack_file()
        try:
            _register_dump(_stack_signal, file=fd, all_threads=True, chain=False)
        except Exception:
            os.close(fd)
            raise
        _close_stack_file()
        _stack_fd, _stack_file_id = fd, file_id
    except Exception:
        # Dumps would go to the parent's file: the core must not ask for them.
        _stack_signal = None
        return
    if not caller.f_code.co_filename.startswith(_MP_DIR):
        _channel.open()


def _watch_signal(module):
    """Gives the dump signal up as soon as the program sets a handler of its own for it.

    signal.signal() calls _signal.signal() by name each time. The program's
    handler is installed first, exactly as asked; only if that succeeded is the
    core told to stop asking for stacks. faulthandler.unregister() is not
    called: it would put back the disposition it found, over the program's.
    """
    original = module.signal

    def signal(signalnum, handler):
        previous = original(signalnum, handler)
        if _stack_signal is not None:
            _signal_taken(signalnum)
        return previous

    module.signal = _like_builtin(original, signal)


@_quietly
def _signal_taken(signalnum):
    global _stack_signal
    if signalnum == _stack_signal:
        _stack_signal = None
        _close_stack_file()
        _emit("stacks", '"stk":null')


def _watch_exec():
    """Before an exec: the new program will have no dump handler (exec resets it), so the core must not signal it.

    os.execl, execlp, execvp and the others all end in os.execv or os.execve,
    which they look up in the os module when called. A Python program that is
    exec'd says hello again with a signal of its own.
    """

    def make_exec(original):
        def execv(*args, **kwargs):
            if _stack_signal is not None:
                _leaving_image()
            return original(*args, **kwargs)

        return execv

    for name in ("execv", "execve"):
        original = getattr(os, name, None)
        if original is not None:
            setattr(os, name, _like_builtin(original, make_exec(original)))


@_quietly
def _leaving_image():
    global _stack_signal
    _stack_signal = None
    _emit("stacks", '"stk":null')
    # exec discards what the process has not sent yet.
    _channel.flush(_EXIT_FLUSH)


# What a thread waits for. Each wrapped blocking call is first tried quietly
# (the probe): in its non-blocking form, or for at most _GRACE (waiting for a
# pipe to have input, or the call itself with that timeout where a call that
# times out takes nothing with it: a lock's, a semaphore's or a queue's count,
# an event's flag, a thread's end); if that succeeds, its result is the call's
# and nothing is sent. Otherwise the thread is blocked: `wait` is sent, the
# call is made again for the rest of the program's timeout, and `woke`
# follows whatever its outcome. Only a thread's outermost wrapped call reports
# (Queue.get waits on a Condition; Event.wait takes a Lock): _inside holds the
# threads that are in one, or in its probe, each with the time the call began
# (`wait` is stamped with it: the wait began with the call), or True for a
# thread whose waits are never reported.
_inside = {}
# Most waits of a busy program (a queue or a pipe between two workers, a lock
# taken in turn) end within this; reporting each would cost it more than the
# wait itself, and say nothing about where it is stuck.
_GRACE = 0.02
_monotonic = time.monotonic
_now = time.time
# select.poll, once multiprocessing.connection is imported (see _has_input).
_new_poller = None
_LIB_PREFIX = _LIB_DIR + os.sep
_QUIET_DIRS = (_MP_DIR + os.sep, _LIB_PREFIX + "concurrent" + os.sep)
_QUIET_FILES = frozenset((_LIB_PREFIX + "threading.py", _LIB_PREFIX + "queue.py"))
# Where the program's own frames end, looking down the stack:
# BaseProcess._bootstrap (in a forked child the frames below it are the
# parent's, which the child never returns to) and multiprocessing's exit
# handler (whatever Python frames are left below it are not what waits).
_child_base = None
_exit_base = None
# Threads that multiprocessing, concurrent or threading started for
# themselves (by ident, while they run), and those being started so.
# A fork leaves the set as it is: the child's only thread is the one that
# forked, and a new thread that happens to reuse a gone one's ident is at
# worst unreported when no frame of the program is under its wait.
_library_threads = set()
_library_starts = set()


def _only_this_thread():
    """In a forked child: the other threads of the parent are gone, and their idents may come back."""
    tid = _get_ident()
    mine = _inside.get(tid)
    _inside.clear()
    if mine is not None:
        _inside[tid] = mine


def _not_blocking(timeout):
    """A timeout that makes the call return at once (or an odd one the original will refuse)."""
    try:
        return timeout is not None and timeout <= 0
    except Exception:
        return True


def _first_part(timeout):
    """How long to wait quietly first; None if the whole wait is no longer (or the timeout is odd): then it is not reported."""
    if timeout is None:
        return _GRACE
    try:
        return _GRACE if timeout > _GRACE else None
    except Exception:
        return None


def _rest(timeout, started):
    """What is left of the program's timeout (None: for ever) since `started`."""
    return None if timeout is None else max(0.0, timeout - (_monotonic() - started))


def _has_input(connection, timeout):
    """Whether a multiprocessing Connection has something to read (data, its end, an error) within `timeout` seconds.

    Its own poll() builds a selector each time (about 3 µs); a poll object of
    our own, made for the call, costs a quarter of that. True when it cannot
    tell (closed, write-only): the call that follows then says what is wrong,
    at once, unreported.
    """
    try:
        handle = connection._handle
        if handle is None or not connection._readable:
            return True
        poller = _new_poller()
        poller.register(handle, 1)  # POLLIN
        return bool(poller.poll(timeout * 1000.0))
    except Exception:
        return True


def _in_library(code):
    """Code of multiprocessing, concurrent, threading or queue."""
    filename = code.co_filename
    return filename in _QUIET_FILES or filename.startswith(_QUIET_DIRS)


def _wait_site(frame):
    """The line of the program that made the call: the first frame outside
    multiprocessing, concurrent, threading, queue and the tracer, as JSON text;
    "null" if the thread has no such frame (a thread whose target is, say,
    Event.wait); None if the frames below are multiprocessing's own (a child's
    bootstrap, the exit handler): then the program is not what waits."""
    while frame is not None:
        code = frame.f_code
        if code is _child_base or code is _exit_base:
            return None
        if frame.f_globals is not _GLOBALS and not _in_library(code):
            return "{" + _place_text(None, code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return "null"


def _report_wait(tid, kind, call, on, timeout, forced, extra):
    """Sends `wait`; False if it did not, and then no `woke` follows."""
    try:
        site = _wait_site(sys._getframe(1))
        if (site is None or (site == "null" and tid in _library_threads)) and not forced:
            # Only multiprocessing's or threading's own code is waiting (a
            # pool's handler threads, a pool worker or a manager between
            # requests): their idling says nothing about the program, and
            # they idle often.
            return False
        site = site or "null"
        began = _inside.get(tid)
        _emit(
            "wait",
            '"tid":%d,"kind":"%s","call":%s,"on":%s,"timeout":%s,"site":%s%s'
            % (tid, kind, _json_text(call), "null" if on is None else _json_text(on), _number_text(timeout), site, extra),
            began if began.__class__ is float else None,
        )
        return True
    except Exception:
        return False


@_quietly
def _report_woke(tid):
    _emit("woke", '"tid":%d' % tid)


def _blocked(tid, function, args, kind, call, on=None, timeout=None, forced=False, extra=""):
    """Makes the original call, which the probe found would block, between `wait` and `woke`."""
    reported = _report_wait(tid, kind, call, on, timeout, forced, extra)
    try:
        return function(*args)
    finally:
        if reported:
            _report_woke(tid)


def _make_get(empty, kind):
    """queue.Queue.get(block, timeout): its first part is the call itself with a timeout."""

    def make(original):
        def get(self, block=True, timeout=None):
            first = _first_part(timeout) if block else None
            tid = _get_ident()
            if first is None or tid in _inside:
                return original(self, block, timeout)
            _inside[tid] = _now()
            try:
                started = _monotonic()
                try:
                    return original(self, True, first)
                except empty:
                    pass
                rest = (self, True, _rest(timeout, started))
                return _blocked(tid, original, rest, kind, type(self).__name__ + ".get", None, timeout)
            finally:
                _inside.pop(tid, None)

        return get

    return make


def _make_mp_get(kind):
    """multiprocessing Queue.get(block, timeout): waits quietly for its pipe to have something first."""

    def make(original):
        def get(self, block=True, timeout=None):
            tid = _get_ident()
            if tid in _inside:
                return original(self, block, timeout)
            first = _first_part(timeout) if block and not getattr(self, "_closed", False) else None
            if first is None:
                return original(self, block, timeout)
            _inside[tid] = _now()
            try:
                started = _monotonic()
                if _has_input(self._reader, first):
                    return original(self, True, _rest(timeout, started))
                rest = (self, True, _rest(timeout, started))
                return _blocked(tid, original, rest, kind, type(self).__name__ + ".get", None, timeout)
            finally:
                _inside.pop(tid, None)

        return get

    return make


def _put_report(tid, original, queue, item, timeout, first, full):
    """The rest of a put() that may block: a quiet first part, then the reported rest if the queue is still full."""
    _inside[tid] = _now()
    try:
        started = _monotonic()
        try:
            return original(queue, item, True, first)
        except full:
            pass
        rest = (queue, item, True, _rest(timeout, started))
        return _blocked(tid, original, rest, "queue-put", type(queue).__name__ + ".put", None, timeout)
    finally:
        _inside.pop(tid, None)


def _make_mp_put(full, unbounded):
    def make(original):
        def put(self, obj, block=True, timeout=None):
            # A queue of no maxsize (the usual) never makes put() wait.
            if getattr(self, "_maxsize", 0) >= unbounded:
                return original(self, obj, block, timeout)
            first = _first_part(timeout) if block else None
            tid = _get_ident()
            if first is None or tid in _inside:
                return original(self, obj, block, timeout)
            return _put_report(tid, original, self, obj, timeout, first, full)

        return put

    return make


def _make_event_wait(original):
    """Event.wait(timeout): True once set. A first part that times out just as
    the event is set returns False, and the rest then sees the flag at once."""

    def wait(self, timeout=None):
        first = _first_part(timeout)
        tid = _get_ident()
        if first is None or tid in _inside:
            return original(self, timeout)
        _inside[tid] = _now()
        try:
            started = _monotonic()
            if original(self, first):
                return True
            rest = (self, _rest(timeout, started))
            return _blocked(tid, original, rest, "event", type(self).__name__ + ".wait", None, timeout)
        finally:
            _inside.pop(tid, None)

    return wait


def _make_condition_wait(original):
    """Condition.wait(timeout), reported at once: it is not made in two parts,
    since a wait that times out just as notify() picks it takes that
    notification with it, which the program's one wait would have had."""

    def wait(self, timeout=None):
        tid = _get_ident()
        if tid in _inside or _not_blocking(timeout):
            return original(self, timeout)
        _inside[tid] = _now()
        try:
            return _blocked(tid, original, (self, timeout), "condition", type(self).__name__ + ".wait", None, timeout)
        finally:
            _inside.pop(tid, None)

    return wait


def _quiet_while(original):
    """A call whose own short waits are no news."""

    def quiet(self, *args, **kwargs):
        tid = _get_ident()
        if tid in _inside:
            return original(self, *args, **kwargs)
        _inside[tid] = True
        try:
            return original(self, *args, **kwargs)
        finally:
            _inside.pop(tid, None)

    return quiet


def _names_text(names, most=5):
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else "%s and %d more" % (shown, len(names) - most)


def _patch_threading(module):
    thread_class = module.Thread
    if "_proclens_patched" in thread_class.__dict__:
        return
    thread_class._proclens_patched = True
    base_run = thread_class.run

    @_quietly
    def report_thread(thread):
        _emit(
            "thread",
            '"tid":%d,"native":%s,"name":%s,"daemon":%s,"target":%s'
            % (
                _get_ident(),
                _native_text(),
                _json_text(str(thread.name)),
                "true" if thread.daemon else "false",
                _describe_target(thread, base_run),
            ),
        )

    @_quietly
    def report_thread_end(thread):
        _emit("thread-end", '"tid":%d,"name":%s' % (_get_ident(), _json_text(str(thread.name))))

    def make_bootstrap_inner(original):
        # Runs in the new thread, around everything it does; a program that
        # starts no thread never comes here.
        def _bootstrap_inner(self):
            report_thread(self)
            library = self in _library_starts
            if library:
                _library_starts.discard(self)
                _library_threads.add(_get_ident())
            try:
                return original(self)
            finally:
                report_thread_end(self)
                if library:
                    _library_threads.discard(_get_ident())

        return _bootstrap_inner

    def make_start(original):
        # start() waits until the new thread runs: no news. A thread started
        # by library code (a queue's feeder, a pool's handlers, an executor's
        # workers) is noted as such: its waits are reported only when a frame
        # of the program is under them.
        def start(self):
            library = False
            try:
                frame = sys._getframe(1)
                while frame is not None and frame.f_globals is _GLOBALS:
                    frame = frame.f_back
                library = frame is not None and _in_library(frame.f_code)
            except Exception:
                pass
            if library:
                _library_starts.add(self)
            tid = _get_ident()
            nested = tid in _inside
            if not nested:
                _inside[tid] = True
            try:
                return original(self)
            except BaseException:
                _library_starts.discard(self)
                raise
            finally:
                if not nested:
                    _inside.pop(tid, None)

        return start

    def make_join(original):
        def join(self, timeout=None):
            first = _first_part(timeout)
            tid = _get_ident()
            if first is None or tid in _inside:
                return original(self, timeout)
            _inside[tid] = _now()
            try:
                started = _monotonic()
                # Refuses what join() refuses (a thread not started, the current thread).
                original(self, first)
                if not self.is_alive():
                    return None
                rest = (self, _rest(timeout, started))
                return _blocked(tid, original, rest, "thread-join", "Thread.join", str(self.name), timeout)
            finally:
                _inside.pop(tid, None)

        return join

    def make_semaphore_acquire(original):
        def acquire(self, blocking=True, timeout=None):
            first = _first_part(timeout) if blocking else None
            tid = _get_ident()
            if first is None or tid in _inside:
                return original(self, blocking, timeout)
            _inside[tid] = _now()
            try:
                started = _monotonic()
                if original(self, True, first):
                    return True
                rest = (self, True, _rest(timeout, started))
                return _blocked(tid, original, rest, "semaphore", type(self).__name__ + ".acquire", None, timeout)
            finally:
                _inside.pop(tid, None)

        return acquire

    def make_barrier_wait(original):
        def wait(self, timeout=None):
            if _not_blocking(timeout):
                return original(self, timeout)
            tid = _get_ident()
            if tid in _inside:
                return original(self, timeout)
            _inside[tid] = _now()
            try:
                on = None
                try:
                    # Unlocked reads: they only decide what is said.
                    arrived, parties = self._count + 1, self._parties
                    if self._state == 0 and arrived >= parties:
                        # The last to arrive releases the others; it does not wait.
                        return original(self, timeout)
                    on = "%d of %d arrived" % (arrived, parties)
                except Exception:
                    pass
                return _blocked(tid, original, (self, timeout), "barrier", type(self).__name__ + ".wait", on, timeout)
            finally:
                _inside.pop(tid, None)

        return wait

    def make_shutdown(original):
        # The main thread at exit, waiting for the threads that are not daemons.
        def _shutdown():
            tid = _get_ident()
            names = None
            if tid not in _inside:
                try:
                    current = module.current_thread()
                    names = [str(t.name) for t in module.enumerate() if t is not current and not t.daemon and t.is_alive()]
                except Exception:
                    names = None
            if not names:
                return original()
            _inside[tid] = _now()
            try:
                return _blocked(tid, original, (), "thread-join", "interpreter exit", _names_text(names), None, True)
            finally:
                _inside.pop(tid, None)

        return _shutdown

    _wrap(thread_class, "_bootstrap_inner", make_bootstrap_inner)
    _wrap(thread_class, "start", make_start)
    _wrap(thread_class, "join", make_join)
    # __enter__ is the same function as acquire: `with semaphore:` blocks as well.
    _wrap(module.Semaphore, "acquire", make_semaphore_acquire)
    _wrap(module.Semaphore, "__enter__", make_semaphore_acquire)
    _wrap(module.Event, "wait", _make_event_wait)
    _wrap(module.Condition, "wait", _make_condition_wait)
    # multiprocessing's Barrier is a threading.Barrier on shared memory.
    _wrap(module.Barrier, "wait", make_barrier_wait)
    # The interpreter looks _shutdown up on the module when it exits.
    _wrap(module, "_shutdown", make_shutdown)


def _patch_queue(module):
    queue_class = module.Queue
    if "_proclens_patched" in queue_class.__dict__:
        return
    queue_class._proclens_patched = True
    full = module.Full

    def make_put(original):
        def put(self, item, block=True, timeout=None):
            # A queue of no maxsize (the usual) never makes put() wait.
            first = _first_part(timeout) if block and self.maxsize > 0 else None
            tid = _get_ident()
            if first is None or tid in _inside:
                return original(self, item, block, timeout)
            return _put_report(tid, original, self, item, timeout, first, full)

        return put

    def make_join(original):
        def join(self):
            tid = _get_ident()
            if tid in _inside or not self.unfinished_tasks:
                return original(self)
            _inside[tid] = _now()
            try:
                return _blocked(tid, original, (self,), "queue-join", type(self).__name__ + ".join")
            finally:
                _inside.pop(tid, None)

        return join

    _wrap(queue_class, "get", _make_get(module.Empty, "queue-get"))
    _wrap(queue_class, "put", make_put)
    _wrap(queue_class, "join", make_join)


def _size_text(size):
    if size >= 1000000:
        return "%.1f MB" % (size / 1e6)
    if size >= 1000:
        return "%.1f kB" % (size / 1e3)
    return "%d bytes" % size


# How long an exiting process's queue feeder may take to finish before the wait is reported.
_FEEDER_GRACE = 0.05


def _patch_mp_queues(module):
    queue_class = module.Queue
    if "_proclens_patched" in queue_class.__dict__:
        return
    queue_class._proclens_patched = True
    sentinel = getattr(module, "_sentinel", None)
    # Each feeder thread (by ident): [its buffer, the size of the message it is writing now (0: none)].
    feeders = {}

    def make_feed(original):
        # send_bytes is the third argument from 3.6 to 3.13; each feeder notes
        # the size of what it writes until the pipe has taken all of it.
        def _feed(buffer, notempty, send_bytes, *rest, **kwargs):
            state = [buffer, 0]

            def sending(data, *args, **kw):
                try:
                    state[1] = data.nbytes if isinstance(data, memoryview) else len(data)
                except Exception:
                    pass
                try:
                    return send_bytes(data, *args, **kw)
                finally:
                    state[1] = 0

            tid = _get_ident()
            feeders[tid] = state
            # The feeder's own waits (for the next item, for the pipe's lock) are
            # never news: marked as inside a wrapped call, it passes them straight on.
            _inside[tid] = True
            try:
                return original(buffer, notempty, sending, *rest, **kwargs)
            finally:
                feeders.pop(tid, None)
                _inside.pop(tid, None)

        return _feed

    def feeder_on(state):
        """What an exiting process's queue still has to write, or None if nothing."""
        writing = state[1]
        buffer = state[0]
        try:
            buffered = len(buffer)
            # close() has put the sentinel last: it is not the program's.
            if buffered and buffer[-1] is sentinel:
                buffered -= 1
        except Exception:
            buffered = 0
        items = "%d item%s" % (buffered, "" if buffered == 1 else "s")
        if writing:
            text = "Queue feeder still writing " + _size_text(writing)
            return text + (", %s more buffered" % items if buffered else "")
        return "Queue feeder still holds %s" % items if buffered else None

    def make_finalize_join(original):
        # At exit (and in join_thread()) the process waits for each queue's
        # feeder to have written everything into the pipe: if nobody reads the
        # other end, it never does. The classic deadlock: joining a child before
        # taking what it put on a queue.
        def _finalize_join(twr):
            thread = twr()
            state = None
            try:
                if thread is not None and thread.is_alive():
                    state = feeders.get(thread.ident)
            except Exception:
                pass
            tid = _get_ident()
            if state is None or tid in _inside:
                return original(twr)
            _inside[tid] = _now()
            try:
                # The probe: a feeder that can finish does so within moments
                # (it needs the GIL back from this thread to return from its
                # write). The same join, only in two parts.
                thread.join(_FEEDER_GRACE)
                on = feeder_on(state) if thread.is_alive() else None
                if on is None:
                    return original(twr)
                bytes_text = ',"bytes":%d' % state[1]
                return _blocked(tid, original, (twr,), "queue-feeder", "Queue._finalize_join", on, None, True, bytes_text)
            finally:
                _inside.pop(tid, None)

        return _finalize_join

    joinable = module.JoinableQueue

    def make_joinable_join(original):
        def join(self):
            tid = _get_ident()
            if tid in _inside or self._unfinished_tasks._semlock._is_zero():
                return original(self)
            _inside[tid] = _now()
            try:
                return _blocked(tid, original, (self,), "queue-join", type(self).__name__ + ".join")
            finally:
                _inside.pop(tid, None)

        return join

    def make_simple_get(original):
        def get(self):
            tid = _get_ident()
            if tid in _inside:
                return original(self)
            _inside[tid] = _now()
            try:
                if _has_input(self._reader, _GRACE):
                    return original(self)
                return _blocked(tid, original, (self,), "queue-get", type(self).__name__ + ".get")
            finally:
                _inside.pop(tid, None)

        return get

    try:
        import _multiprocessing

        # What Queue() takes for "no maxsize".
        unbounded = _multiprocessing.SemLock.SEM_VALUE_MAX
    except Exception:
        unbounded = 2147483647
    _wrap(queue_class, "get", _make_mp_get("queue-get"))
    _wrap(queue_class, "put", _make_mp_put(module.Full, unbounded))
    _wrap(joinable, "put", _make_mp_put(module.Full, unbounded))
    _wrap(joinable, "join", make_joinable_join)
    _wrap(module.SimpleQueue, "get", make_simple_get)
    _wrap_static(queue_class, "_feed", make_feed)
    _wrap_static(queue_class, "_finalize_join", make_finalize_join)


def _patch_mp_synchronize(module):
    semlock_class = module.SemLock
    if "_proclens_patched" in semlock_class.__dict__:
        return
    semlock_class._proclens_patched = True
    locks = (module.Lock, module.RLock)

    def kind_of(lock):
        return "lock" if isinstance(lock, locks) else "semaphore"

    def acquiring(semlock, kind, call):
        # Holds the _semlock, not the SemLock: no reference cycle, so a lock is
        # freed (and its named semaphore unlinked) exactly when it was before.
        acquire = semlock.acquire

        def acquire_(block=True, timeout=None):
            tid = _get_ident()
            if tid in _inside:
                return acquire(block, timeout)
            first = _first_part(timeout) if block else None
            if first is None:
                return acquire(block, timeout)
            _inside[tid] = _now()
            try:
                started = _monotonic()
                if acquire(True, first):
                    return True
                return _blocked(tid, acquire, (True, _rest(timeout, started)), kind, call, None, timeout)
            finally:
                _inside.pop(tid, None)

        return acquire_

    def make_make_methods(original):
        # A SemLock's acquire is its _semlock's, bound on the instance here
        # (also when a child unpickles it).
        def _make_methods(self):
            original(self)
            try:
                self.acquire = acquiring(self._semlock, kind_of(self), type(self).__name__ + ".acquire")
            except Exception:
                pass

        return _make_methods

    def make_enter(original):
        def __enter__(self):
            tid = _get_ident()
            if tid in _inside:
                return original(self)
            _inside[tid] = _now()
            try:
                # What _semlock.__enter__() returns once it has the lock.
                if self._semlock.acquire(True, _GRACE):
                    return True
                return _blocked(tid, original, (self,), kind_of(self), type(self).__name__ + ".acquire")
            finally:
                _inside.pop(tid, None)

        return __enter__

    _wrap(semlock_class, "_make_methods", make_make_methods)
    _wrap(semlock_class, "__enter__", make_enter)
    _wrap(module.Condition, "wait", _make_condition_wait)
    # notify() waits for each sleeper it wakes to say so (Event.set() and
    # JoinableQueue.task_done() notify): a handshake, not what the program waits for.
    _wrap(module.Condition, "notify", _quiet_while)
    _wrap(module.Event, "wait", _make_event_wait)


def _patch_mp_connection(module):
    global _new_poller
    base = module._ConnectionBase
    if "_proclens_patched" in base.__dict__:
        return
    base._proclens_patched = True
    # multiprocessing.connection has imported it already.
    import select

    _new_poller = getattr(select, "poll", None)

    def make_recv(original):
        def recv(self):
            tid = _get_ident()
            if tid in _inside:
                return original(self)
            _inside[tid] = _now()
            try:
                if _has_input(self, _GRACE):
                    return original(self)
                return _blocked(tid, original, (self,), "recv", "Connection.recv")
            finally:
                _inside.pop(tid, None)

        return recv

    def _refused_length(maxlength):
        try:
            return maxlength < 0
        except Exception:
            return True

    def make_recv_bytes(original):
        def recv_bytes(self, maxlength=None):
            tid = _get_ident()
            # A negative maxlength is refused at once.
            if tid in _inside or (maxlength is not None and _refused_length(maxlength)):
                return original(self, maxlength)
            _inside[tid] = _now()
            try:
                if _has_input(self, _GRACE):
                    return original(self, maxlength)
                return _blocked(tid, original, (self, maxlength), "recv", "Connection.recv_bytes")
            finally:
                _inside.pop(tid, None)

        return recv_bytes

    _wrap(base, "recv", make_recv)
    _wrap(base, "recv_bytes", make_recv_bytes)


_POOL_CALLS = {"get": "AsyncResult.get", "wait": "AsyncResult.wait", None: "AsyncResult.wait"}


def _pool_call(frame):
    """What the program called: the outermost multiprocessing function under the wait (map, apply, get...)."""
    name = None
    while frame is not None:
        if frame.f_globals is not _GLOBALS:
            if not frame.f_code.co_filename.startswith(_MP_DIR + os.sep):
                break
            name = frame.f_code.co_name
        frame = frame.f_back
    return _POOL_CALLS.get(name) or "Pool." + name


def _pool_on(result):
    left = getattr(result, "_number_left", None)
    if not isinstance(left, int):
        return None
    size = getattr(result, "_chunksize", 1)
    if size == 1:
        return "%d result%s" % (left, "" if left == 1 else "s")
    return "%d chunk%s of %d" % (left, "" if left == 1 else "s", size)


def _patch_mp_pool(module):
    result_class = module.ApplyResult
    if "_proclens_patched" in result_class.__dict__:
        return
    result_class._proclens_patched = True

    def make_wait(original):
        # get() waits here; map(), starmap() and apply() call get().
        def wait(self, timeout=None):
            first = _first_part(timeout)
            tid = _get_ident()
            if first is None or tid in _inside:
                return original(self, timeout)
            _inside[tid] = _now()
            try:
                started = _monotonic()
                original(self, first)
                if self.ready():
                    return None
                call = on = None
                try:
                    call = _pool_call(sys._getframe(1))
                    on = _pool_on(self)
                except Exception:
                    pass
                rest = (self, _rest(timeout, started))
                return _blocked(tid, original, rest, "pool", call or "AsyncResult.wait", on, timeout)
            finally:
                _inside.pop(tid, None)

        return wait

    _wrap(result_class, "wait", make_wait)


def _patch_mp_util(module):
    global _exit_base
    _exit_base = module._exit_function.__code__


def _patch_process_module(module):
    global _child_base
    base = module.BaseProcess
    if getattr(base, "_proclens_patched", False):
        return
    base._proclens_patched = True
    _child_base = base.__dict__["_bootstrap"].__code__
    base_run = base.run
    current = lambda: module.current_process()  # noqa: E731

    @_quietly
    def report_start(process, target, site, when):
        method = getattr(process._popen, "method", None)
        _emit(
            "start",
            '"child":%d,"name":%s,"daemon":%s,"method":%s,"target":%s,"site":%s'
            % (
                _popen_pid(process),
                _json_text(process.name),
                "true" if process.daemon else "false",
                _json_text(method) if isinstance(method, str) else "null",
                target,
                site,
            ),
            when,
        )

    def make_start(original):
        def start(self):
            target = site = "null"
            try:
                target = _describe_target(self, base_run)
                site = _caller_site()
            except Exception:
                pass
            # Stamped before the fork: another thread's reaping of this child (multiprocessing's
            # _cleanup() in its own start()) can be sent before this report, and must come after it.
            when = time.time()
            original(self)
            report_start(self, target, site, when)

        return start

    @_quietly
    def report_boot(process):
        _emit(
            "boot",
            '"ppid":%d,"name":%s,"daemon":%s'
            % (os.getppid(), _json_text(process.name), "true" if process.daemon else "false"),
        )

    @_quietly
    def report_exit(code):
        _emit("exit", '"code":' + _number_text(code))

    def make_bootstrap(original):
        def _bootstrap(self, *args, **kwargs):
            report_boot(self)
            code = original(self, *args, **kwargs)
            report_exit(code)
            _channel.flush(_EXIT_FLUSH)
            return code

        return _bootstrap

    @_quietly
    def report_join(process, phase, timeout):
        popen = getattr(process, "_popen", None)
        if popen is None:
            return
        fields = '"child":%d,"phase":"%s","timeout":%s' % (popen.pid, phase, _number_text(timeout))
        if phase == "leave":
            fields += ',"code":' + _number_text(getattr(popen, "returncode", None))
        _emit("join", fields)

    def make_join(original):
        def join(self, timeout=None):
            report_join(self, "enter", timeout)
            try:
                return original(self, timeout)
            finally:
                report_join(self, "leave", timeout)

        return join

    @_quietly
    def report_rename(process, name):
        if process is current() and getattr(process, "_popen", None) is None:
            pid = os.getpid()
        else:
            pid = _popen_pid(process)
        if pid is not None:
            _emit("rename", '"child":%d,"name":%s' % (pid, _json_text(str(name))))

    name_property = base.__dict__["name"]

    def set_name(self, name):
        name_property.fset(self, name)
        report_rename(self, name)

    base.name = property(name_property.fget, set_name, None, name_property.__doc__)
    _wrap(base, "start", make_start)
    _wrap(base, "_bootstrap", make_bootstrap)
    _wrap(base, "join", make_join)


def _patch_popen_class(popen_class, reaping, signals):
    """Reports reaping (the parent learning the exit code) and signals sent."""
    if "_proclens_patched" in popen_class.__dict__:
        return
    popen_class._proclens_patched = True

    @_quietly
    def report_reaped(popen):
        _emit("reaped", '"child":%d,"code":%s' % (popen.pid, _number_text(popen.returncode)))

    def make_poll(original):
        def poll(self, *args, **kwargs):
            known = self.returncode is not None
            result = original(self, *args, **kwargs)
            if not known and self.returncode is not None:
                report_reaped(self)
            return result

        return poll

    if reaping:
        _wrap(popen_class, "poll", make_poll)
    if not signals:
        return

    @_quietly
    def report_signal(popen, signal_number):
        import signal

        _emit("signal", '"child":%d,"sig":"%s"' % (popen.pid, signal.Signals(signal_number).name))

    def make_send_signal(original):
        def _send_signal(self, sig):
            if self.returncode is None:
                report_signal(self, sig)
            return original(self, sig)

        return _send_signal

    _wrap(popen_class, "_send_signal", make_send_signal)


def _argv_text(args, executable, shell):
    """What subprocess passes to exec, as JSON text: it builds the same list in _execute_child."""
    if isinstance(args, (str, bytes)) or not hasattr(args, "__iter__"):
        args = [args]
    argv = [os.fsdecode(arg) for arg in args]
    if shell and os.name == "posix":
        argv = ["/system/bin/sh" if hasattr(sys, "getandroidapilevel") else "/bin/sh", "-c"] + argv
        if executable:
            argv[0] = os.fsdecode(executable)
    return "[%s]" % ",".join(_json_text(arg) for arg in argv)


def _patch_subprocess(module):
    popen_class = module.Popen
    if "_proclens_patched" in popen_class.__dict__:
        return
    popen_class._proclens_patched = True

    @_quietly
    def report_popen(popen, args, executable, shell, when):
        # Its exit is reported by the os.wait* wrappers, which Popen.wait() and poll() call.
        _emit("popen", '"child":%d,"argv":%s' % (popen.pid, _argv_text(args, executable, shell)), when)

    def make_execute_child(original):
        # The same positions on POSIX and Windows, 3.6 to 3.13; Popen passes them so.
        def _execute_child(self, args, executable, *rest, **kwargs):
            # Stamped before the child exists: a thread that waits long for the GIL after it may
            # report after the child has ended, and a report dated then would be of a newcomer.
            when = time.time()
            result = original(self, args, executable, *rest, **kwargs)
            report_popen(self, args, executable, rest[7] if len(rest) > 7 else kwargs.get("shell"), when)
            return result

        return _execute_child

    _wrap(popen_class, "_execute_child", make_execute_child)


def _like_builtin(original, function):
    """`function` in the place of `original`, a builtin of the os module.

    A Python function kept on a class becomes a method when read from an
    instance; a builtin does not, and programs keep os functions on classes
    (subprocess's own _del_safe, for one). So the replacement is an object
    whose type calls `function` as it is, with no frame of its own between.
    """
    namespace = {
        "__slots__": (),
        "__call__": staticmethod(function),
        "__module__": getattr(original, "__module__", None),
        "__name__": original.__name__,
        "__doc__": getattr(original, "__doc__", None),
        "__wrapped__": original,
    }
    return type(original.__name__, (object,), namespace)()


@_quietly
def _report_fork(child, caller, when):
    # multiprocessing's own forks (popen_fork, the fork server) are reported as `start`.
    if not caller.f_code.co_filename.startswith(_MP_DIR):
        _emit("fork", '"child":%d' % child, when)


def _exit_code(status):
    """Python's exit code for a wait status (−N for signal N); None if the child was only stopped or continued."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return None


@_quietly
def _report_reaped(child, status):
    code = _exit_code(status)
    if code is not None:
        _emit("reaped", '"child":%d,"code":%d' % (child, code))


@_quietly
def _report_waitid(result, args):
    options = args[2] if len(args) > 2 else 0
    if options & getattr(os, "WNOWAIT", 0):
        # Only a look: the child stays a zombie until someone waits for it again.
        return
    how = result.si_code
    if how == os.CLD_EXITED:
        _emit("reaped", '"child":%d,"code":%d' % (result.si_pid, result.si_status))
    elif how in (os.CLD_KILLED, os.CLD_DUMPED):
        _emit("reaped", '"child":%d,"code":%d' % (result.si_pid, -result.si_status))


def _patch_os():
    """Wraps os.fork and os.wait*: reported after the real call, from what it returned."""
    if not hasattr(os, "fork") or getattr(os, "_proclens_patched", False):
        # Windows: subprocess waits on process handles there, not on pids.
        return
    os._proclens_patched = True
    getframe = sys._getframe
    clock = time.time

    def make(name, function):
        original = getattr(os, name, None)
        if original is not None:
            setattr(os, name, _like_builtin(original, function(original)))

    # In the child, two tests of module globals unless it has work to do: a
    # thread of the parent's was inside a wrapped call, or stacks are on
    # (multiprocessing's fork and forkserver children come here too).
    def make_fork(original):
        def fork(*args, **kwargs):
            # Stamped before the fork, as popen is.
            when = clock()
            pid = original(*args, **kwargs)
            if pid:
                _report_fork(pid, getframe(1), when)
            else:
                if _inside:
                    _only_this_thread()
                if _stack_signal is not None:
                    _restack(getframe(1))
            return pid

        return fork

    def make_forkpty(original):
        def forkpty(*args, **kwargs):
            when = clock()
            result = original(*args, **kwargs)
            if result[0]:
                _report_fork(result[0], getframe(1), when)
            else:
                if _inside:
                    _only_this_thread()
                if _stack_signal is not None:
                    _restack(getframe(1))
            return result

        return forkpty

    def make_wait(original):
        # waitpid, wait, wait3, wait4: the child's pid and its status come first.
        def wait(*args, **kwargs):
            result = original(*args, **kwargs)
            # Most calls are polls (WNOHANG) that found nothing: pid 0, no report.
            if result[0] > 0:
                _report_reaped(result[0], result[1])
            return result

        return wait

    def make_waitid(original):
        def waitid(*args, **kwargs):
            result = original(*args, **kwargs)
            if result is not None:
                _report_waitid(result, args)
            return result

        return waitid

    make("fork", make_fork)
    make("forkpty", make_forkpty)
    for name in ("waitpid", "wait", "wait3", "wait4"):
        make(name, make_wait)
    make("waitid", make_waitid)


_PATCHES = {
    "multiprocessing.process": _patch_process_module,
    # Its poll() calls os.waitpid(), whose wrapper reports the reaping.
    "multiprocessing.popen_fork": lambda module: _patch_popen_class(module.Popen, False, True),
    # Its own poll() asks the fork server instead of waitpid().
    "multiprocessing.popen_forkserver": lambda module: _patch_popen_class(module.Popen, True, False),
    "subprocess": _patch_subprocess,
    "multiprocessing.util": _patch_mp_util,
    "threading": _patch_threading,
    "queue": _patch_queue,
    "multiprocessing.queues": _patch_mp_queues,
    "multiprocessing.synchronize": _patch_mp_synchronize,
    "multiprocessing.connection": _patch_mp_connection,
    "multiprocessing.pool": _patch_mp_pool,
}


class _PatchingLoader(object):
    """Runs the real loader, then patches the fresh module."""

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _quietly(self._patch)(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _PostImportFinder(object):
    """Finds nothing itself: hands the patches to the modules that need them."""

    def find_spec(self, name, path=None, target=None):
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            try:
                spec = finder.find_spec(name, path, target)
            except Exception:
                return None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, patch)
                return spec
        return None


def install():
    # Before the hello, which names the signal.
    _quietly(_start_stacks)()
    _quietly(_patch_os)()
    for name, patch in _PATCHES.items():
        module = sys.modules.get(name)
        if module is not None:
            _quietly(patch)(module)
    sys.meta_path.insert(0, _PostImportFinder())
    # Say hello at start-up, so the core knows every Python process at once.
    _channel.open()
