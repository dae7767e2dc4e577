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
#   - it patches multiprocessing, concurrent.futures, subprocess, threading and
#     queue only when the program imports them; os.fork and os.wait* are wrapped at start-up, since
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
# Each write holds whole lines and at most this many bytes. On Linux a write of
# up to 32 KiB to a Unix stream socket goes into one kernel buffer, all or
# nothing, so writes of several processes on one connection never interleave.
_WRITE_MOST = 16384
# Linux only, on a Unix socket (see _WRITE_MOST): a child forked by a traced process
# writes on the connection it inherited, so a fork costs no connection of its own.
# Elsewhere each process opens its own; so on TCP, where a write the reader is slow
# to take can go out in part, and another process's bytes could follow the part.
_SHARE_AFTER_FORK = sys.platform.startswith("linux") and os.environ.get("PROCLENS_ADDR", "").startswith("unix:")
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
    message. On Linux it then says hello on the connection it inherited (the
    core reads each line's pid; the connection closes when its last holder has
    exited, so its closing still means every line is in). Elsewhere it opens
    its own.

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
        # The connection as a bare descriptor, never a socket object: an object
        # left open when the interpreter tears down prints a ResourceWarning in
        # a program run with warnings on (-X dev), and the tracer prints nothing.
        self._fd = None
        # The descriptor's file, (st_dev, st_ino): a program that closes every descriptor (as
        # daemons do) may get the same number for a file of its own, never to be written to.
        self._fd_id = None
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
        self._holds = []
        self._pending = b""
        # The first pending line was partly sent on a connection since lost.
        self._midline = False
        self._backoff = 0.0
        self._retry_at = 0.0
        # A lock a thread of the parent held at fork time would never be released here.
        self._lock = _thread.allocate_lock()

    def _forked(self):
        fd, fd_id = self._fd, self._fd_id
        # The parent's unsent bytes are its own; a line it began to write would
        # be cut by ours.
        share = _SHARE_AFTER_FORK and not self._midline
        self._reset()
        del _unsent_starts[:]
        if fd is None or _identity(fd) != fd_id:
            return
        if share:
            self._fd, self._fd_id = fd, fd_id
            self._pending = self._hello()
        else:
            _close_connection(fd)

    def open(self):
        """Connects and says hello now, so the core knows the process from its start."""
        try:
            if self._pid != os.getpid():
                self._forked()
            if self._lock.acquire(False):
                try:
                    # A forked child may already hold its hello, for the connection it inherited.
                    if self._fd is not None or self._connect():
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
            if _unsent_starts:
                # What the process says next comes after the starts it made.
                line = _take_unsent_starts() + line
            queue = self._queue
            # Only a sender stopped inside a long signal handler lets the queue grow.
            if len(queue) < _MAX_QUEUED:
                queue.append(line)
            self._drain()
        except Exception:
            pass

    def hold(self):
        """Until release(): lines are queued, not written, so that a few go out in one write."""
        # A list, not a count: append and pop are each one step under the GIL, even in two threads.
        self._holds.append(None)

    def release(self):
        try:
            self._holds.pop()
        except IndexError:
            # A forked child's first message dropped the holds it inherited from its parent.
            pass
        self._drain()

    def _drain(self):
        queue = self._queue
        lock = self._lock
        while queue and not self._holds and lock.acquire(False):
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
            if _unsent_starts and self._pid == os.getpid():
                self.send("")
            if self._pid != os.getpid() or not self._lock.acquire(False):
                # Nothing said yet, or a frame below this one is sending: it will finish.
                return
            try:
                self._send_queued()
                if self._pending and self._fd is None:
                    # One more try, whatever the delay says; no waiting for a core that is not there.
                    self._retry_at = 0.0
                    if not self._connect():
                        return
                deadline = time.monotonic() + seconds
                while self._pending and self._fd is not None:
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
                if self._fd is None and not self._connect():
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
        self._fd = sock.detach()
        self._fd_id = _identity(self._fd)
        self._backoff = 0.0
        if self._midline:
            # The rest of a line whose start went to the lost connection.
            cut = self._pending.find(b"\n")
            self._pending = self._pending[cut + 1:] if cut >= 0 else b""
            self._midline = False
        self._pending = _TOKEN_LINE + self._hello() + self._pending
        return True

    def _hello(self):
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
        return hello.encode("utf-8")

    def _write(self, wait=0.0):
        """Writes what the connection takes now (or within `wait` seconds); False if it is lost."""
        fd = self._fd
        if _identity(fd) != self._fd_id:
            # No longer the connection: left to its new owner, and a new one opened.
            self._fd = None
            return False
        while self._pending:
            data = self._pending
            # Whole lines, _WRITE_MOST bytes at most (a longer line goes as it is).
            cut = len(data) if len(data) <= _WRITE_MOST else data.rfind(b"\n", 0, _WRITE_MOST) + 1 or len(data)
            try:
                sent = _send_waiting(fd, data[:cut], wait) if wait else _send_now(fd, data[:cut])
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                # The core has gone away (for example the editor restarted): reconnect later.
                _close_connection(fd)
                self._fd = None
                return False
            if sent:
                self._pending = data[sent:]
                self._midline = data[sent - 1:sent] != b"\n"
            if sent < cut:
                return True
        return True


def _as_socket(fd):
    """A socket object over the connection's descriptor, for one call; the caller detaches it."""
    import _socket

    return _socket.socket(_socket.AF_INET if _ADDRESS.startswith("tcp:") else _socket.AF_UNIX, _socket.SOCK_STREAM, 0, fd)


def _send_waiting(fd, data, seconds):
    import _socket

    sock = _as_socket(fd)
    try:
        sock.settimeout(seconds)
        try:
            return sock.send(data)
        except _socket.timeout:
            # The core has not taken it yet.
            return 0
    finally:
        sock.setblocking(False)
        sock.detach()


if os.name == "nt":
    # A Windows socket is a handle, not a C runtime descriptor: os.write cannot use it.
    def _send_now(fd, data):
        sock = _as_socket(fd)
        try:
            return sock.send(data)
        finally:
            sock.detach()

    def _close_connection(fd):
        try:
            _as_socket(fd).close()
        except Exception:
            pass

else:
    _send_now = os.write

    def _close_connection(fd):
        try:
            os.close(fd)
        except OSError:
            pass


# A process's reports of the children it forked through multiprocessing's
# start(): (pid, time, Process, target). Between two forks the parent only appends here
# (each line formatted there would dirty pages its children share, see above);
# they go out before its next message, or with a start 20 ms after the oldest.
# Each child also reports its own start, with its call site, from the stack it
# inherited (_patch_process_module): this is for a child gone before it could.
_unsent_starts = []
_START_BATCH = 0.02
# Set by _patch_process_module: formats one start line.
_start_line = None


def _take_unsent_starts():
    starts = _unsent_starts[:]
    del _unsent_starts[:len(starts)]
    lines = []
    for pid, when, process, target in starts:
        try:
            lines.append(_start_line(process, pid, when, target))
        except Exception:
            pass
    return "".join(lines)


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


def _describe_target(process, base_run, target=None):
    """A Process's or a Thread's target function (`target` if given), or its subclass's run, as JSON text."""
    if target is None:
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


def _caller_site(frame=None):
    """The first frame outside multiprocessing and the tracer (from `frame`, else the caller's caller): where start() was called."""
    if frame is None:
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


def _replacement(original, make):
    """`make(original)`, named as the original and pointing back to it (`__wrapped__`)."""
    replacement = make(original)
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        try:
            setattr(replacement, name, getattr(original, name))
        except (AttributeError, TypeError):
            pass
    replacement.__wrapped__ = original
    return replacement


def _wrap(owner, attribute, make):
    setattr(owner, attribute, _replacement(owner.__dict__[attribute], make))


def _wrap_static(owner, attribute, make):
    """_wrap for a staticmethod: `make` is given the plain function and returns one."""
    setattr(owner, attribute, staticmethod(_replacement(owner.__dict__[attribute].__func__, make)))


def _wrap_class(owner, attribute, make):
    """_wrap for a classmethod: `make` is given the plain function and returns one."""
    setattr(owner, attribute, classmethod(_replacement(owner.__dict__[attribute].__func__, make)))


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


def _identity(fd):
    """A descriptor's file, (st_dev, st_ino); None if the descriptor is closed."""
    try:
        found = os.fstat(fd)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _open_stack_file():
    fd = os.open(_STACK_PREFIX + "%d.stack" % os.getpid(), _STACK_FLAGS, 0o600)
    file_id = _identity(fd)
    if file_id is None:
        os.close(fd)
        raise OSError("no identity for the stack file")
    return fd, file_id


def _close_stack_file():
    global _stack_fd
    fd, _stack_fd = _stack_fd, -1
    try:
        if _identity(fd) == _stack_file_id:
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
# BaseProcess.start: a wait below it is multiprocessing's own, starting a child. Python 3.14's
# fork server handshake (connection.answer_challenge, in connect_to_new_process) waits in
# Connection.recv_bytes there; before 3.14 the only wait was os.read(), never reported.
_start_base = None
# popen_fork's _launch: the frame that calls _bootstrap in a child forked by start().
_fork_launch = None
# (parent pid, time) of the start() forking now: what its forked child reports.
_forking = None
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
    bootstrap, the exit handler, Process.start): then the program is not what waits."""
    while frame is not None:
        code = frame.f_code
        if code is _child_base or code is _exit_base or code is _start_base:
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
        if _pools:
            # Items handed to a pool and not said yet: said before the program is seen waiting.
            _flush_submits()
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
    _patch_pools(module)


# Pools. A process that creates a multiprocessing Pool or a ProcessPoolExecutor
# says `pool` once, just before the `start` of its first worker, and each
# worker's `start` names the pool; the program's process says how many items it
# hands each pool (`submit`, batched); each worker says `task` when it starts a
# task and, when it is about to wait for work or to return, `idle`. Only per
# task and per batch: nothing at all runs per item but a counting generator
# around an imap iterable, in the process that feeds the pool.
#
# In a worker, nothing of the tracer's may sit between the worker's loop and the
# program's function, nor under a call whose exception the worker formats into
# the traceback the parent prints, nor under one that prints a traceback of its
# own (an initializer that raises, a task that cannot be unpickled): the worker
# functions are left as they are, and what they call is given hooks that run
# and return on their own (a lock's __enter__, a pickling hook, an iterator
# fed by the original get()).

# Batches of `submit`: at most one line per pool per this many seconds, the rest held.
_SUBMIT_BATCH = 0.02
# Task arguments, unless the user turned them off; their text is cut at this many characters.
_TASK_ARGS = os.environ.get("PROCLENS_TASK_ARGS", "") != "0"
_ARGS_MOST = 60
_STRING_MOST = 24
_ELEMENTS_MOST = 4
# This process's pools, by id, while submit counts may be held for them.
_pools = {}
# [pid, pools numbered so far]: a forked child numbers its own from 1.
_pool_serial = [0, 0]
# Threads starting a pool's workers: ident -> (owner, kind, size, maxtasks), the
# owner being the object that keeps the pool's _PoolState (a Pool's inqueue, an executor).
_populating = {}
# Worker functions (pool.worker, process._process_worker) and what sets a process running one up.
_worker_kinds = []
# This process's worker state, when it is a pool's worker.
_worker = None
_NO_TASK = object()
_length_hint = None
_function_type = type(_line)
_builtin_type = type(len)
_method_type = type(_channel.send)
_type_name = type.__dict__["__name__"].__get__
_type_qualname = type.__dict__["__qualname__"].__get__
_BRACKETS = {tuple: ("(", ")"), list: ("[", "]"), set: ("{", "}"), dict: ("{", "}")}
_first_of = None


class _PoolState(object):
    """A pool of this process: its id, what its `pool` line says, and the submit count held."""

    __slots__ = ("id", "pid", "kind", "size", "maxtasks", "announced", "held", "last")

    def __init__(self, kind, size, maxtasks):
        pid = os.getpid()
        if _pool_serial[0] != pid:
            _pool_serial[:] = [pid, 0]
        _pool_serial[1] += 1
        self.id = "%d-%d" % (pid, _pool_serial[1])
        self.pid = pid
        self.kind = kind
        self.size = size
        self.maxtasks = maxtasks
        self.announced = False
        # Counts not said yet: appended and popped, each atomic, by whichever thread.
        self.held = []
        self.last = float("-inf")


def _int_text(value):
    return "%d" % value if type(value) is int else "null"


def _populate(original, args, kwargs, info):
    """Calls original(*args, **kwargs) with the current thread noted as starting the workers of the pool `info` names."""
    tid = _get_ident()
    outer = _populating.get(tid)
    _populating[tid] = info
    try:
        return original(*args, **kwargs)
    finally:
        if outer is None:
            _populating.pop(tid, None)
        else:
            _populating[tid] = outer


def _pool_starting():
    """In Process.start(): the pool whose worker this is, if the thread is starting a pool's workers."""
    info = _populating.get(_get_ident())
    if info is None:
        return None
    owner, kind, size, maxtasks = info
    state = getattr(owner, "_proclens_pool", None)
    if state is None:
        state = _PoolState(kind, size, maxtasks)
        owner._proclens_pool = state
        _pools[state.id] = state
    return state


def _pool_start_lines(pool, fields, when):
    """The `start` of a pool's worker, after the pool's own line if this is its first worker."""
    text = _line("start", '%s,"pool":"%s"' % (fields, pool.id), when)
    if pool.announced:
        return text
    pool.announced = True
    about = '"pool":"%s","kind":"%s","size":%s,"maxtasks":%s' % (pool.id, pool.kind, _int_text(pool.size), _int_text(pool.maxtasks))
    return _line("pool", about, when) + text


def _send_submits(state, now):
    held = state.held
    items = 0
    try:
        while held:
            items += held.pop()
    except IndexError:
        # Another thread took the last one.
        pass
    if items:
        state.last = now
        # A forked child holds a copy of its parent's pools: never its own to report.
        if state.pid == os.getpid():
            _emit("submit", '"pool":"%s","items":%d' % (state.id, items))


def _count_submit(state, items):
    """`items` handed to the pool: said now if its last submit line is old enough, else held."""
    if state is None or items < 1:
        return
    state.held.append(items)
    now = _monotonic()
    if now - state.last >= _SUBMIT_BATCH:
        _send_submits(state, now)


@_quietly
def _flush_submits(state=None, finished=False):
    """Says what is held: for one pool (`finished`: the pool takes no more), or for all."""
    now = _monotonic()
    for pool in (state,) if state is not None else list(_pools.values()):
        if pool.held:
            _send_submits(pool, now)
    if finished and state is not None:
        _pools.pop(state.id, None)


def _counting(iterable, state):
    """An imap iterable, each item counted as the pool takes it."""
    held = state.held
    for item in iterable:
        held.append(1)
        if _monotonic() - state.last >= _SUBMIT_BATCH:
            _send_submits(state, _monotonic())
        yield item


def _value_text(value, depth):
    """A builtin value's repr, short; any other object as <TypeName>: no code of the program's runs."""
    kind = type(value)
    if kind is int:
        # int's own repr; a huge one would take long, and past 4300 digits 3.11+ refuses.
        return repr(value) if value.bit_length() <= 4000 else "<int>"
    if kind is str or kind is bytes:
        return repr(value) if len(value) <= _STRING_MOST else repr(value[:_STRING_MOST]) + "\u2026"
    if kind is float or kind is bool or value is None:
        return repr(value)
    brackets = _BRACKETS.get(kind)
    if brackets is None:
        return "<%s>" % _type_name(kind)
    if depth >= 2:
        return brackets[0] + "\u2026" + brackets[1]
    if not value:
        return "set()" if kind is set else brackets[0] + brackets[1]
    parts = []
    for index, element in enumerate(value.items() if kind is dict else value):
        if index == _ELEMENTS_MOST:
            parts.append("\u2026")
            break
        if kind is dict:
            parts.append(_value_text(element[0], depth + 1) + ": " + _value_text(element[1], depth + 1))
        else:
            parts.append(_value_text(element, depth + 1))
    if kind is tuple and len(value) == 1:
        parts[0] += ","
    return brackets[0] + ", ".join(parts) + brackets[1]


def _call_text(args, kwargs):
    """The arguments of a call as JSON text ("1, 'a', x=3"), cut at _ARGS_MOST characters; null if turned off."""
    if not _TASK_ARGS:
        return "null"
    if not kwargs and type(args) is tuple and len(args) == 1 and type(args[0]) is int and -(10**15) < args[0] < 10**15:
        # The most common: one small int.
        return '"%d"' % args[0]
    parts = []
    length = -2
    if type(args) is tuple or type(args) is list:
        for value in args:
            if length > _ARGS_MOST:
                break
            parts.append(_value_text(value, 0))
            length += len(parts[-1]) + 2
    elif args is not None:
        parts.append("*" + _value_text(args, 0))
    if type(kwargs) is dict:
        for key, value in kwargs.items():
            if length > _ARGS_MOST:
                break
            parts.append("%s=%s" % (key if type(key) is str else _value_text(key, 1), _value_text(value, 0)))
            length += len(parts[-1]) + 2
    elif kwargs is not None:
        parts.append("**" + _value_text(kwargs, 0))
    text = ", ".join(parts)
    if len(text) > _ARGS_MOST:
        text = text[: _ARGS_MOST - 1] + "\u2026"
    return _json_text(text)


def _function_name(function, partial):
    """A function's __qualname__, read so that no code of the program's runs (a partial: the function in it)."""
    for _ in range(8):
        if type(function) is partial:
            function = function.func
        elif type(function) is _method_type:
            function = function.__func__
        else:
            break
    kind = type(function)
    if kind is _function_type or kind is _builtin_type:
        return str(function.__qualname__)
    if isinstance(function, type):
        return _type_qualname(function)
    return _type_qualname(kind)


class _Worker(object):
    """A pool worker process's counts, and the task it runs or last ran."""

    __slots__ = ("done", "failed", "ended", "error", "open", "current", "started", "maxtasks", "sending", "wrapped", "reading")

    def __init__(self, maxtasks, wrapped):
        self.done = 0
        self.failed = 0
        # The last task's end and error; `open` while no line has said them yet.
        self.ended = 0.0
        self.error = None
        self.open = False
        # The running task: (items, iterator over its chunk or None), or None.
        self.current = None
        self.started = 0
        self.maxtasks = maxtasks if type(maxtasks) is int else None
        # What its put() is sending: a Pool's (job, i, (ok, value)), an executor's result item.
        self.sending = None
        # The exception wrapper classes whose .exc is the task's exception.
        self.wrapped = wrapped
        # The _ReadLock of its task queue.
        self.reading = None


def _error_name(worker, value):
    kind = type(value)
    for wrapper in worker.wrapped:
        if kind is wrapper:
            value = value.exc
            break
    return _type_name(type(value))


def _report_task(worker, function, call, items, when, partial):
    """Says a task starts (the caller guards it: it runs in the worker's get)."""
    fields = '"fn":%s,"args":%s,"items":%d,"done":%d,"failed":%d,"ended":%s,"error":%s' % (
        _json_text(_function_name(function, partial)),
        call,
        items,
        worker.done,
        worker.failed,
        "%.6f" % worker.ended if worker.open else "null",
        _json_text(worker.error) if worker.open and worker.error is not None else "null",
    )
    worker.open = False
    _emit("task", fields, when)


@_quietly
def _report_idle(worker):
    if worker.open:
        worker.open = False
        error = _json_text(worker.error) if worker.error is not None else "null"
        _emit("idle", '"done":%d,"failed":%d,"error":%s' % (worker.done, worker.failed, error), worker.ended)


def _task_ended(worker, ok, value):
    """The running task's result is about to be sent: its items are done, and it is open until a line says so."""
    current = worker.current
    if current is None:
        return
    worker.current = None
    items, iterator = current
    if iterator is not None:
        # What the chunk's iterator still holds never ran: map stops at the item that raised.
        items -= _length_hint(iterator)
    worker.done += items
    if ok:
        worker.error = None
    else:
        worker.failed += 1
        worker.error = _error_name(worker, value)
    worker.ended = _now()
    worker.open = True


class _LockStandIn(object):
    """A queue lock of a pool worker with a hook of the tracer's on entering it; otherwise the lock itself."""

    __slots__ = ("_lock",)

    def acquire(self, *args, **kwargs):
        return self._lock.acquire(*args, **kwargs)

    def release(self):
        return self._lock.release()

    def __getattr__(self, name):
        return getattr(self._lock, name)

    def __reduce__(self):
        # Pickled (with its queue) as the lock it stands for: operator.itemgetter(0)((lock,)).
        return _first_of, ((self._lock,),)


class _ReadLock(_LockStandIn):
    """In a worker, the lock its task queue's get() takes before it reads the next task.

    Entering it is the moment the worker is about to wait for work: with a task
    ended and not yet said, it says `idle` unless a task is there to be read at
    once (it holds the lock and the pipe has input). A worker that finds the lock
    taken waits behind another worker: idle too. Then the read goes on as the
    original's, lock held.
    """

    __slots__ = ("_semlock", "_reader", "_poller", "_worker", "_marked")

    def __init__(self, lock, reader, worker):
        self._lock = lock
        self._semlock = getattr(lock, "_semlock", None)
        self._reader = reader
        self._poller = None
        self._worker = worker
        self._marked = False

    def waiting(self):
        """Whether a task waits that this worker would read at once (the lock free, the pipe not empty)."""
        try:
            if self._semlock is None or self._semlock._is_zero():
                return False
        except Exception:
            return False
        return self._ready()

    def _ready(self):
        """Whether the pipe has a task to read now (or cannot tell: then the read says what is wrong)."""
        try:
            poller = self._poller
            if poller is None:
                poller = self._poller = _new_poller()
                poller.register(self._reader._handle, 1)  # POLLIN
            return bool(poller.poll(0))
        except Exception:
            return True

    def __enter__(self):
        tid = _get_ident()
        # The worker's own reads are never reported, and need no probe of the tracer's.
        self._marked = tid not in _inside
        if self._marked:
            _inside[tid] = True
        try:
            worker = self._worker
            if worker.open and self._semlock is not None:
                got = False
                try:
                    got = self._semlock.acquire(False)
                except Exception:
                    pass
                if got:
                    if not self._ready():
                        _report_idle(worker)
                    return True
                _report_idle(worker)
            return self._lock.__enter__()
        except BaseException:
            if self._marked:
                _inside.pop(tid, None)
            raise

    def __exit__(self, *exc):
        try:
            return self._lock.__exit__(*exc)
        finally:
            if self._marked:
                _inside.pop(_get_ident(), None)


class _SendLock(_LockStandIn):
    """In a worker, the lock its result queue's put() takes to write, once the result is pickled.

    Entering it, the task has ended (a result that cannot be pickled never gets
    here: the worker puts an error in its place). It is counted then, and said
    at once if the worker will wait for its next task, before the parent can
    read the result: a parent that ends the pool on that result (terminate(), a
    `with` block) may kill the worker the moment it has written it.
    """

    __slots__ = ("_worker", "_sending")

    def __init__(self, lock, worker, sending):
        self._lock = lock
        self._worker = worker
        self._sending = sending

    def __enter__(self):
        self._sending(self._worker)
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)


def _unwrapped(function):
    """The original under one of the tracer's wrappers."""
    if getattr(function, "__globals__", None) is _GLOBALS:
        return getattr(function, "__wrapped__", function)
    return function


@_quietly
def _worker_begins(process):
    """In a child, before its Process code runs: a fresh start, and the hooks of a pool's worker if it is one."""
    global _worker, _length_hint, _first_of
    _worker = None
    _populating.clear()
    _pools.clear()
    target = getattr(process, "_target", None)
    for function, setup in _worker_kinds:
        if target is function:
            from _operator import itemgetter, length_hint

            _length_hint = length_hint
            _first_of = itemgetter(0)
            _worker = setup(process)
            return


@_quietly
def _worker_ends():
    """The worker function has returned (or raised): the last task, if no line said it yet."""
    if _worker is not None:
        _report_idle(_worker)


def _patch_pools(module):
    """multiprocessing.pool, 3.8 and later: pools, their workers and their tasks."""
    pool_class = module.Pool
    if sys.version_info < (3, 8) or "_repopulate_pool_static" not in pool_class.__dict__:
        return
    import functools

    partial = functools.partial
    mapstar = module.mapstar
    starmapstar = module.starmapstar
    helper = module._helper_reraises_exception

    def make_repopulate(original):
        # Started by Pool() and by the worker handler thread, for replacements.
        def _repopulate_pool_static(ctx, Process, processes, pool, inqueue, *rest, **kwargs):
            maxtasks = rest[3] if len(rest) > 3 else kwargs.get("maxtasksperchild")
            info = (inqueue, "Pool", processes, maxtasks)
            return _populate(original, (ctx, Process, processes, pool, inqueue) + rest, kwargs, info)

        return _repopulate_pool_static

    def state_of(pool):
        # A ThreadPool's inqueue is a queue.SimpleQueue: it never has one.
        return getattr(getattr(pool, "_inqueue", None), "_proclens_pool", None)

    @_quietly
    def submitted(pool, items):
        _count_submit(state_of(pool), items)

    @_quietly
    def mapped(pool, iterable, result):
        # The length the pool took, kept in its MapResult as [None] * length (a
        # result that failed at once holds the error instead): no second len()
        # of the program's object.
        value = getattr(result, "_value", None)
        if type(value) is list:
            _count_submit(state_of(pool), len(value))
        elif type(iterable) in (list, tuple, range):
            _count_submit(state_of(pool), len(iterable))

    def make_apply_async(original):
        def apply_async(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            submitted(self, 1)
            return result

        return apply_async

    def make_map_async(original):
        # map, map_async, starmap, starmap_async. The original makes a list of
        # an iterable with no length; made here first, it is counted as is.
        def _map_async(self, func, iterable, *rest, **kwargs):
            if not hasattr(iterable, "__len__"):
                self._check_running()
                iterable = list(iterable)
            result = original(self, func, iterable, *rest, **kwargs)
            mapped(self, iterable, result)
            return result

        return _map_async

    def make_imap(original):
        def imap(self, func, iterable, *rest, **kwargs):
            state = None
            try:
                state = state_of(self)
            except Exception:
                pass
            if state is not None:
                iterable = _counting(iterable, state)
            return original(self, func, iterable, *rest, **kwargs)

        return imap

    @_quietly
    def flush(pool, finished=False):
        state = state_of(pool)
        if state is not None:
            _flush_submits(state, finished)

    def make_close(original):
        def close(self):
            flush(self)
            return original(self)

        return close

    def make_join(original):
        def join(self):
            flush(self)
            result = original(self)
            # The task handler has ended: nothing more will be counted.
            flush(self, True)
            return result

        return join

    def make_terminate_pool(original):
        # terminate(), __exit__() and the pool's finalizer (at exit, or when it is collected) come here.
        def _terminate_pool(cls, taskqueue, inqueue, *rest, **kwargs):
            state = getattr(inqueue, "_proclens_pool", None)
            if state is not None:
                _flush_submits(state)
            result = original(cls, taskqueue, inqueue, *rest, **kwargs)
            if state is not None:
                _flush_submits(state, True)
            return result

        return _terminate_pool

    def task_started(worker, task):
        # Fed each task the worker's get() returns, before the worker sees it.
        try:
            when = _now()
            if task is None:
                # The sentinel: the worker returns.
                _report_idle(worker)
                return task
            worker.started += 1
            func = task[2]
            if func is helper:
                # An exception of the program's iterable, passed on: not a task of the program's.
                worker.current = None
                return task
            if func is mapstar or func is starmapstar:
                function, chunk = task[3][0]
                items = len(chunk)
                iterator = iter(chunk)
                first = chunk[0] if items else ()
                call = "null"
                if _TASK_ARGS:
                    call = _call_text((first,), None) if func is mapstar else _call_text(first, None)
                task = (task[0], task[1], func, ((function, iterator),), task[4])
            else:
                function = func
                items = 1
                iterator = None
                call = _call_text(task[3], task[4])
            worker.current = (items, iterator)
            _report_task(worker, function, call, items, when, partial)
        except Exception:
            pass
        return task

    def make_put(worker, send):
        # The worker's result put: what it sends, for _SendLock. A result that
        # cannot be pickled raises in it, and the worker puts a MaybeEncodingError
        # in its place: that put ends the task.
        def put(obj):
            worker.sending = obj
            return send(obj)

        return put

    @_quietly
    def sending(worker):
        obj, worker.sending = worker.sending, None
        if obj is None:
            return
        outcome = obj[2]
        _task_ended(worker, outcome[0], outcome[1])
        # Said before the result is written, always: once the parent has read its last result it may
        # end the pool (terminate(), a `with` block) at once, and a worker still on its way to its
        # next read would die with its task unsaid, shown lost. Folding the end into the next task's
        # line when one waited lost it so on a busy machine.
        _report_idle(worker)

    def setup(process):
        simple_queue = sys.modules["multiprocessing.queues"].SimpleQueue
        args = process._args
        inqueue, outqueue = args[0], args[1]
        if type(inqueue) is not simple_queue or type(outqueue) is not simple_queue or outqueue._wlock is None:
            return None
        maxtasks = args[4] if len(args) > 4 else process._kwargs.get("maxtasks")
        worker = _Worker(maxtasks, (module.ExceptionWithTraceback,))
        get = _unwrapped(simple_queue.get).__get__(inqueue)
        # The worker takes get and put from the queues when it begins.
        inqueue.get = map(functools.partial(task_started, worker), iter(get, _NO_TASK)).__next__
        worker.reading = inqueue._rlock = _ReadLock(inqueue._rlock, inqueue._reader, worker)
        outqueue._wlock = _SendLock(outqueue._wlock, worker, sending)
        outqueue.put = make_put(worker, outqueue.put)
        return worker

    _worker_kinds.append((module.worker, setup))
    _wrap_static(pool_class, "_repopulate_pool_static", make_repopulate)
    _wrap(pool_class, "apply_async", make_apply_async)
    _wrap(pool_class, "_map_async", make_map_async)
    _wrap(pool_class, "imap", make_imap)
    _wrap(pool_class, "imap_unordered", make_imap)
    _wrap(pool_class, "close", make_close)
    _wrap(pool_class, "join", make_join)
    _wrap_class(pool_class, "_terminate_pool", make_terminate_pool)


def _patch_futures_process(module):
    """concurrent.futures.process, 3.8 and later: the executor, its workers and their tasks."""
    executor_class = module.ProcessPoolExecutor
    if sys.version_info < (3, 8) or "_proclens_patched" in executor_class.__dict__:
        return
    executor_class._proclens_patched = True
    import functools

    partial = functools.partial
    process_chunk = module._process_chunk
    result_item_class = module._ResultItem
    call_item_class = module._CallItem

    def make_spawn(original):
        # 3.9+: _spawn_process starts each worker; 3.8: _adjust_process_count starts them all.
        def spawn(self):
            info = (self, "ProcessPoolExecutor", getattr(self, "_max_workers", None), getattr(self, "_max_tasks_per_child", None))
            return _populate(original, (self,), {}, info)

        return spawn

    def state_of(executor):
        return executor.__dict__.get("_proclens_pool")

    @_quietly
    def submitted(executor, args, kwargs):
        fn = args[0] if args else kwargs.get("fn")
        items = 1
        # Executor.map submits partial(_process_chunk, fn) with a chunk of the items.
        if type(fn) is partial and fn.func is process_chunk and len(args) == 2:
            items = len(args[1])
        _count_submit(state_of(executor), items)

    def make_submit(original):
        def submit(self, *args, **kwargs):
            future = original(self, *args, **kwargs)
            submitted(self, args, kwargs)
            return future

        return submit

    @_quietly
    def flush(executor, finished=False):
        state = state_of(executor)
        if state is not None:
            _flush_submits(state, finished)

    def make_shutdown(original):
        def shutdown(self, *args, **kwargs):
            flush(self)
            result = original(self, *args, **kwargs)
            flush(self, True)
            return result

        return shutdown

    def call_item_setstate(worker):
        # A call item the worker's get() unpickles: the task starts.
        def __setstate__(self, state):
            self.__dict__.update(state)
            try:
                when = _now()
                fn, args, kwargs = self.fn, self.args, self.kwargs
                if type(fn) is partial and fn.func is process_chunk and len(fn.args) == 1 and len(args) == 1 and not kwargs:
                    chunk = args[0]
                    items = len(chunk)
                    iterator = iter(chunk)
                    first = chunk[0] if items else ()
                    self.args = (iterator,)
                    worker.current = (items, iterator)
                    _report_task(worker, fn.args[0], _call_text(first, None), items, when, partial)
                else:
                    worker.current = (1, None)
                    _report_task(worker, fn, _call_text(args, kwargs), 1, when, partial)
            except Exception:
                pass

        return __setstate__

    def result_item_getstate(worker):
        # A result item being pickled by the worker's put(): what _SendLock then sees sent.
        def __getstate__(self):
            worker.sending = self
            return self.__dict__

        return __getstate__

    @_quietly
    def sending(worker):
        item, worker.sending = worker.sending, None
        if item is None:
            # Not a result: the worker's pid, in answer to the sentinel. It returns.
            _report_idle(worker)
            return
        exception = item.exception
        _task_ended(worker, exception is None, exception)
        if getattr(item, "exit_pid", None) is not None or not worker.reading.waiting():
            # 3.11+: max_tasks_per_child reached, the worker returns; or it will wait for its next task.
            _report_idle(worker)

    def setup(process):
        queue_class = sys.modules["multiprocessing.queues"].Queue
        args = process._args
        call_queue, result_queue = args[0], args[1]
        if not isinstance(call_queue, queue_class) or getattr(result_queue, "_wlock", None) is None:
            return None
        worker = _Worker(None, (module._ExceptionWithTraceback,))
        call_queue.get = _unwrapped(queue_class.get).__get__(call_queue)
        worker.reading = call_queue._rlock = _ReadLock(call_queue._rlock, call_queue._reader, worker)
        result_queue._wlock = _SendLock(result_queue._wlock, worker, sending)
        # Only this worker process unpickles call items and pickles result items.
        call_item_class.__setstate__ = call_item_setstate(worker)
        result_item_class.__getstate__ = result_item_getstate(worker)
        return worker

    _worker_kinds.append((module._process_worker, setup))
    _wrap(executor_class, "_spawn_process" if "_spawn_process" in executor_class.__dict__ else "_adjust_process_count", make_spawn)
    _wrap(executor_class, "submit", make_submit)
    _wrap(executor_class, "shutdown", make_shutdown)


def _patch_popen_fork(module):
    global _fork_launch
    _fork_launch = module.Popen.__dict__["_launch"].__code__
    _patch_popen_class(module.Popen, False, True)


def _patch_mp_util(module):
    global _exit_base
    _exit_base = module._exit_function.__code__


def _patch_process_module(module):
    global _child_base, _start_base
    base = module.BaseProcess
    if getattr(base, "_proclens_patched", False):
        return
    base._proclens_patched = True
    _child_base = base.__dict__["_bootstrap"].__code__
    _start_base = base.__dict__["start"].__code__
    base_run = base.run
    current = lambda: module.current_process()  # noqa: E731

    # start() deletes the Process's target once the child is started: it is read before.
    def start_fields(process, pid, method, site, target):
        return '"child":%d,"name":%s,"daemon":%s,"method":%s,"target":%s,"site":%s' % (
            pid,
            _json_text(process.name),
            "true" if process.daemon else "false",
            _json_text(method) if isinstance(method, str) else "null",
            _describe_target(process, base_run, target),
            site or "null",
        )

    global _start_line
    _start_line = lambda process, pid, when, target: _line("start", start_fields(process, pid, "fork", None, target), when)  # noqa: E731

    @_quietly
    def report_start(process, site, when, pool, target):
        fields = start_fields(process, _popen_pid(process), getattr(process._popen, "method", None), site, target)
        if pool is None:
            _emit("start", fields, when)
        else:
            _channel.send(_pool_start_lines(pool, fields, when))

    def make_start(original):
        def start(self):
            global _forking
            site = None
            pool = None
            if _populating:
                # A pool's workers are reported by the parent, after their pool's line.
                try:
                    site = _caller_site()
                    pool = _pool_starting()
                except Exception:
                    pass
            target = getattr(self, "_target", None)
            # Stamped before the fork: another thread's reaping of this child (multiprocessing's
            # _cleanup() in its own start()) can be sent before this report, and must come after it.
            when = time.time()
            # Read by the child, if this start() forks one.
            _forking = (os.getpid(), when)
            original(self)
            try:
                popen = self._popen
                if pool is None and getattr(popen, "method", None) == "fork":
                    _unsent_starts.append((popen.pid, when, self, target))
                    if when - _unsent_starts[0][1] >= _START_BATCH:
                        _channel.send("")
                    return
                if site is None:
                    site = _caller_site()
            except Exception:
                pass
            report_start(self, site, when, pool, target)

        return start

    @_quietly
    def report_boot(process, caller):
        line = _line(
            "boot",
            '"ppid":%d,"name":%s,"daemon":%s'
            % (os.getppid(), _json_text(process.name), "true" if process.daemon else "false"),
        )
        if caller.f_code is _fork_launch and not _populating and _forking is not None:
            # Forked by start() just now (the fork start method): the child reports its start
            # for its parent, with the call site from the stack it inherited.
            by, when = _forking
            fields = start_fields(process, os.getpid(), "fork", _caller_site(caller), None)
            line = '{"e":"start","pid":%d,"t":%.6f,%s}\n' % (by, when, fields) + line
        _channel.send(line)

    @_quietly
    def report_exit(code):
        _emit("exit", '"code":' + _number_text(code))

    def make_bootstrap(original):
        def _bootstrap(self, *args, **kwargs):
            report_boot(self, sys._getframe(1))
            _worker_begins(self)
            code = original(self, *args, **kwargs)
            _worker_ends()
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

    def ended(popen):
        try:
            return popen.poll() is not None
        except Exception:
            return False

    def make_join(original):
        def join(self, timeout=None):
            # A child that has already exited (most, when a program joins many in a row) is
            # joined in one write: the join's start, the reaping and its end.
            _channel.hold()
            held = True
            try:
                report_join(self, "enter", timeout)
                popen = self._popen
                if popen is None or not ended(popen):
                    held = False
                    _channel.release()
                return original(self, timeout)
            finally:
                report_join(self, "leave", timeout)
                if held:
                    _channel.release()

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


# Python 3.12+ warns from inside os.fork() when the process has threads, naming the
# frame that called it: the wrapper's. A fork beside a thread is then made from a
# one-line function with the caller's globals, file, line and name, so the warning
# is the one the program would get (the same place, module, filters and registry).
_WARNS_ON_FORK = sys.version_info >= (3, 12)
_CALL_HERE = (lambda call, args, kwargs: call(*args, **kwargs)).__code__
_callers = {}


def _as_caller(caller, original, args, kwargs):
    code = caller.f_code
    key = (code, caller.f_lineno)
    trampoline = _callers.get(key)
    if trampoline is None:
        here = _CALL_HERE.replace(co_filename=code.co_filename, co_name=code.co_name, co_firstlineno=caller.f_lineno)
        trampoline = _callers[key] = type(_as_caller)(here, caller.f_globals)
    return trampoline(original, args, kwargs)


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
            if _WARNS_ON_FORK and _thread._count():
                pid = _as_caller(getframe(1), original, args, kwargs)
            else:
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
    "multiprocessing.popen_fork": lambda module: _patch_popen_fork(module),
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
    "concurrent.futures.process": _patch_futures_process,
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
