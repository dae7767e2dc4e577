# ProcLens tracer: tells the ProcLens core what multiprocessing does.
#
# Loaded by sitecustomize.py only when PROCLENS_ADDR and PROCLENS_TOKEN are set.
# Rules it keeps, because a watched program must behave as an unwatched one:
#   - it prints nothing and lets no exception of its own reach user code;
#   - it never blocks: the socket is non-blocking and a message that does not
#     fit is dropped;
#   - it starts no thread and registers no atexit handler;
#   - it patches multiprocessing only when the program imports it.
#
# Protocol: one stream connection per process; the first line is the token,
# then one JSON object per line. The fields are described in
# src/core/protocol/tracerEvents.ts.
import os
import sys
import time

_MAX_PENDING = 1 << 20
_MP_DIR = os.path.dirname(os.__file__) + os.sep + "multiprocessing"
_TRACER_FILES = (os.path.abspath(__file__), os.path.abspath(__file__)[:-1] + "c")


def _now():
    return round(time.time(), 6)


class _Channel(object):
    """The process's connection to the core, opened on first use."""

    def __init__(self):
        self._reset()

    def _reset(self):
        self._sock = None
        self._pid = os.getpid()
        self._pending = b""
        self._failures = 0
        import _thread

        self._lock = _thread.allocate_lock()

    def after_fork_in_child(self):
        # The inherited socket belongs to the parent: the child gets its own.
        sock = self._sock
        self._reset()
        if sock is not None:
            try:
                sock.close()
            except Exception:
                pass

    def open(self):
        try:
            with self._lock:
                if self._sock is None:
                    self._connect()
        except Exception:
            pass

    def send(self, message):
        try:
            if self._pid != os.getpid():
                self.after_fork_in_child()
            import json

            data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
            with self._lock:
                if self._sock is None and not self._connect():
                    return
                self._write(data)
        except Exception:
            pass

    def _connect(self):
        if self._failures >= 3:
            return False
        import socket

        address = os.environ.get("PROCLENS_ADDR", "")
        try:
            if address.startswith("unix:"):
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.connect(address[len("unix:"):])
            elif address.startswith("tcp:"):
                host, _, port = address[len("tcp:"):].rpartition(":")
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                # Loopback TCP (Windows) connects at once or not at all.
                sock.settimeout(0.2)
                sock.connect((host, int(port)))
                sock.setblocking(False)
            else:
                self._failures = 3
                return False
        except Exception:
            self._failures += 1
            return False
        self._sock = sock
        token = os.environ.get("PROCLENS_TOKEN", "")
        self._write(token.encode("ascii", "replace") + b"\n" + _hello())
        return True

    def _write(self, data):
        if self._pending:
            if len(self._pending) + len(data) > _MAX_PENDING:
                data = b""
            data = self._pending + data
            self._pending = b""
        try:
            sent = self._sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            # The core has gone away (for example the editor restarted): stay quiet.
            self._sock.close()
            self._sock = None
            self._failures = 3
            return
        self._pending = data[sent:]


def _hello():
    import json

    return (
        json.dumps(
            {
                "e": "hello",
                "pid": os.getpid(),
                "ppid": os.getppid(),
                "t": _now(),
                "exe": sys.executable,
                "argv": list(getattr(sys, "orig_argv", None) or sys.argv or []),
                "py": "%d.%d.%d" % sys.version_info[:3],
            },
            separators=(",", ":"),
        )
        + "\n"
    ).encode("utf-8")


_channel = _Channel()


def _emit(event, **fields):
    fields["e"] = event
    fields["pid"] = os.getpid()
    fields["t"] = _now()
    _channel.send(fields)


def _code_site(code, name):
    return {"name": name, "file": code.co_filename, "line": code.co_firstlineno}


def _describe_target(process, base_run):
    target = getattr(process, "_target", None)
    if target is not None:
        code = getattr(target, "__code__", None)
        name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)
        if code is None:
            return {"name": name, "file": None, "line": None}
        return _code_site(code, name)
    run = type(process).run
    if run is not base_run:
        code = getattr(run, "__code__", None)
        if code is not None:
            return _code_site(code, type(process).__qualname__)
    return None


def _caller_site():
    """The first frame outside multiprocessing and the tracer: where start() was called."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_MP_DIR) and filename not in _TRACER_FILES:
            return {"file": filename, "line": frame.f_lineno}
        frame = frame.f_back
    return None


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


def _patch_process_module(module):
    base = module.BaseProcess
    if getattr(base, "_proclens_patched", False):
        return
    base._proclens_patched = True
    base_run = base.run
    current = lambda: module.current_process()  # noqa: E731

    @_quietly
    def report_start(process, target, site):
        _emit(
            "start",
            child=_popen_pid(process),
            name=process.name,
            daemon=bool(process.daemon),
            method=getattr(process._popen, "method", None),
            target=target,
            site=site,
        )

    def make_start(original):
        def start(self):
            target = site = None
            try:
                target = _describe_target(self, base_run)
                site = _caller_site()
            except Exception:
                pass
            original(self)
            report_start(self, target, site)

        return start

    @_quietly
    def report_boot(process):
        _emit("boot", ppid=os.getppid(), name=process.name, daemon=bool(process.daemon))

    @_quietly
    def report_exit(code):
        _emit("exit", code=code if isinstance(code, int) else None)

    def make_bootstrap(original):
        def _bootstrap(self, *args, **kwargs):
            report_boot(self)
            code = original(self, *args, **kwargs)
            report_exit(code)
            return code

        return _bootstrap

    @_quietly
    def report_join(process, phase, timeout):
        popen = getattr(process, "_popen", None)
        if popen is None:
            return
        fields = {"child": popen.pid, "phase": phase, "timeout": timeout}
        if phase == "leave":
            fields["code"] = getattr(popen, "returncode", None)
        _emit("join", **fields)

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
            _emit("rename", child=pid, name=name)

    name_property = base.__dict__["name"]

    def set_name(self, name):
        name_property.fset(self, name)
        report_rename(self, name)

    base.name = property(name_property.fget, set_name, None, name_property.__doc__)
    _wrap(base, "start", make_start)
    _wrap(base, "_bootstrap", make_bootstrap)
    _wrap(base, "join", make_join)


def _patch_popen_class(popen_class, with_signals):
    """Reports reaping (the parent learning the exit code) and signals sent."""
    if "_proclens_patched" in popen_class.__dict__:
        return
    popen_class._proclens_patched = True

    @_quietly
    def report_reaped(popen):
        _emit("reaped", child=popen.pid, code=popen.returncode)

    def make_poll(original):
        def poll(self, *args, **kwargs):
            known = self.returncode is not None
            result = original(self, *args, **kwargs)
            if not known and self.returncode is not None:
                report_reaped(self)
            return result

        return poll

    _wrap(popen_class, "poll", make_poll)
    if not with_signals:
        return

    @_quietly
    def report_signal(popen, signal_number):
        import signal

        _emit("signal", child=popen.pid, sig=signal.Signals(signal_number).name)

    def make_send_signal(original):
        def _send_signal(self, sig):
            if self.returncode is None:
                report_signal(self, sig)
            return original(self, sig)

        return _send_signal

    _wrap(popen_class, "_send_signal", make_send_signal)


_PATCHES = {
    "multiprocessing.process": _patch_process_module,
    "multiprocessing.popen_fork": lambda module: _patch_popen_class(module.Popen, True),
    # Its own poll() asks the fork server instead of waitpid().
    "multiprocessing.popen_forkserver": lambda module: _patch_popen_class(module.Popen, False),
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
    os.register_at_fork(after_in_child=_channel.after_fork_in_child)
    for name, patch in _PATCHES.items():
        module = sys.modules.get(name)
        if module is not None:
            _quietly(patch)(module)
    sys.meta_path.insert(0, _PostImportFinder())
    # Say hello at start-up, so the core knows every Python process at once.
    _channel.open()
