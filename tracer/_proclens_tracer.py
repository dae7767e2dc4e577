# ProcLens tracer: tells the ProcLens core what multiprocessing does, which
# processes the program starts (os.fork, subprocess) and collects (os.wait*),
# and which threads it runs; and it lets the core ask any Python process for
# the stacks of all its threads (faulthandler, on a signal of its own).
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
#   - it patches multiprocessing, subprocess and threading only when the
#     program imports them; os.fork and os.wait* are wrapped at start-up, since
#     subprocess keeps its own reference to os.waitpid from its import on;
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


def _emit(event, fields, when=None):
    """Sends one message: `fields` is the JSON text of the fields after e, pid and t (now, unless `when`)."""
    _channel.send('{"e":"%s","pid":%d,"t":%.6f,%s}\n' % (event, os.getpid(), time.time() if when is None else when, fields))


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
# handler: no thread of the tracer's, no ptrace, no Python code of the
# program's run, so even a process stuck in C answers. It never chains to the
# default action, which would end the process; a system call the signal
# interrupts is resumed by Python (PEP 475).
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
            try:
                return original(self)
            finally:
                report_thread_end(self)

        return _bootstrap_inner

    _wrap(thread_class, "_bootstrap_inner", make_bootstrap_inner)


def _patch_process_module(module):
    base = module.BaseProcess
    if getattr(base, "_proclens_patched", False):
        return
    base._proclens_patched = True
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
    def report_popen(popen, args, executable, shell):
        # Its exit is reported by the os.wait* wrappers, which Popen.wait() and poll() call.
        _emit("popen", '"child":%d,"argv":%s' % (popen.pid, _argv_text(args, executable, shell)))

    def make_execute_child(original):
        # The same positions on POSIX and Windows, 3.6 to 3.13; Popen passes them so.
        def _execute_child(self, args, executable, *rest, **kwargs):
            result = original(self, args, executable, *rest, **kwargs)
            report_popen(self, args, executable, rest[7] if len(rest) > 7 else kwargs.get("shell"))
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
def _report_fork(child, caller):
    # multiprocessing's own forks (popen_fork, the fork server) are reported as `start`.
    if not caller.f_code.co_filename.startswith(_MP_DIR):
        _emit("fork", '"child":%d' % child)


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

    def make(name, function):
        original = getattr(os, name, None)
        if original is not None:
            setattr(os, name, _like_builtin(original, function(original)))

    # In the child, one test of a module global unless stacks are on
    # (multiprocessing's fork and forkserver children come here too).
    def make_fork(original):
        def fork(*args, **kwargs):
            pid = original(*args, **kwargs)
            if pid:
                _report_fork(pid, getframe(1))
            elif _stack_signal is not None:
                _restack(getframe(1))
            return pid

        return fork

    def make_forkpty(original):
        def forkpty(*args, **kwargs):
            result = original(*args, **kwargs)
            if result[0]:
                _report_fork(result[0], getframe(1))
            elif _stack_signal is not None:
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
    "threading": _patch_threading,
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
