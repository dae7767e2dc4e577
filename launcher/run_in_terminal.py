"""Runs one program in a pseudo-terminal of its own, the way a shell runs a job.

ProcLens's run terminal is drawn by VS Code, but the program needs a real
terminal: ``isatty()`` true, ``input()`` and ``getpass`` with the terminal's
own echo and line editing, colours, and Ctrl+C arriving as SIGINT to the
foreground process group, so that Python raises KeyboardInterrupt and its
children get the signal as they do under a shell.

This launcher is to the program what an interactive shell is: it leads a
new session whose controlling terminal is the pseudo-terminal, starts the
program in a process group of its own and makes that group the foreground
one. The program's exit does not hang up the terminal (the launcher leads
the session, not the program), so processes it leaves behind keep running
and writing, as under a shell.

It talks to ProcLens over its stdin and stdout only, in frames: one byte of
kind, four bytes of length (big-endian), then the payload.

  ProcLens -> launcher   ``i`` bytes typed in the terminal
                         ``r`` "ROWS COLS": the terminal's new size
                         ``a`` ProcLens has read the program's identity from the OS
  launcher -> ProcLens   ``p`` the program's pid, once its exec succeeded
                         ``e`` "ERRNO-NAME message": it could not be started
                         ``o`` bytes the terminal shows
                         ``x`` the program's exit: its code, or -N for signal N

Every ``o`` frame the program wrote before it exited comes before its ``x``
frame: the launcher writes a marker to the terminal after the program has
exited and relays output until the marker comes back out, so ProcLens's exit
line is always the last line after the program's own.

The program stays unreaped (a zombie) until ProcLens answers ``a``: its pid
cannot be reused before ProcLens has read which process it is.

When ProcLens goes away (stdin ends), the launcher keeps reading the terminal
until every process writing to it has closed it, as a terminal window that
was hidden, not closed, would: a window reload does not hang up the run.

It runs with ``python -I`` (the tracer is not loaded into it) and uses
nothing newer than Python 3.6.
"""

import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios

_HEADER = struct.Struct(">cI")
_READ_MOST = 65536


class _Frames(object):
    """Reads whole frames from a non-blocking descriptor as they arrive."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b""
        self.ended = False

    def read(self):
        try:
            data = os.read(self.fd, _READ_MOST)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EINTR):
                return []
            data = b""
        if not data:
            self.ended = True
            return []
        self.buffer += data
        frames = []
        while len(self.buffer) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + length:
                break
            frames.append((kind, self.buffer[_HEADER.size:_HEADER.size + length]))
            self.buffer = self.buffer[_HEADER.size + length:]
        return frames


class _Output(object):
    """Frames to ProcLens. Once ProcLens is gone, output is read and dropped."""

    def __init__(self, fd):
        self.fd = fd
        self.gone = False

    def send(self, kind, payload):
        if self.gone:
            return
        data = _HEADER.pack(kind, len(payload)) + payload
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:
            self.gone = True


def _set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _open_terminal(rows, cols):
    """A new session whose controlling terminal is a new pseudo-terminal."""
    master, slave = os.openpty()
    try:
        os.setsid()
    except OSError:
        pass  # Started as a session leader already (Node's `detached`).
    if hasattr(termios, "TIOCSCTTY"):
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    else:
        os.close(os.open(os.ttyname(slave), os.O_RDWR))
    attributes = termios.tcgetattr(slave)
    if hasattr(termios, "IUTF8"):
        attributes[0] |= termios.IUTF8  # Backspace erases a whole UTF-8 character.
    # No job control: nothing could resume a program stopped by Ctrl+Z.
    attributes[6][termios.VSUSP] = bytes([os.fpathconf(slave, "PC_VDISABLE") & 0xFF])
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    _set_size(slave, rows, cols)
    return master, slave


def _start(argv, slave, master):
    """Forks the program into its own foreground process group; (pid, None) or (None, error)."""
    report_read, report_write = os.pipe()  # Closed by a successful exec (non-inheritable).
    pid = os.fork()
    if pid == 0:
        try:
            os.close(report_read)
            os.close(master)
            os.setpgid(0, 0)
            # A background group may not take the terminal unless SIGTTOU is ignored meanwhile.
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            os.tcsetpgrp(slave, os.getpid())
            # An ignored signal stays ignored across exec: give the program a shell's defaults.
            for name in ("SIGTTOU", "SIGPIPE", "SIGXFSZ"):
                if hasattr(signal, name):
                    signal.signal(getattr(signal, name), signal.SIG_DFL)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            os.execvp(argv[0], argv)
        except OSError as error:
            name = errno.errorcode.get(error.errno, "EIO")
            os.write(report_write, ("%s %s" % (name, error.strerror)).encode("utf-8", "replace"))
        finally:
            os._exit(127)
    try:
        os.setpgid(pid, pid)  # As a shell does: whichever of the two runs first, the group exists.
    except OSError:
        pass  # The child has already done it, or has already exec'd.
    os.close(report_write)
    failure = b""
    while True:
        chunk = os.read(report_read, 512)
        if not chunk:
            break
        failure += chunk
    os.close(report_read)
    if failure:
        os.waitpid(pid, 0)
        return None, failure
    return pid, None


def _exit_code(status):
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


class _Launcher(object):
    def __init__(self, master, slave_name, pid):
        self.master = master
        self.slave_name = slave_name
        self.pid = pid
        self.frames = _Frames(0)
        self.output = _Output(1)
        self.typed = b""
        self.seen = False
        self.exit_code = None
        self.reported = False
        self.marker = None
        self.pending = b""
        self.terminal_open = True

    def run(self):
        wake_read, wake_write = os.pipe()
        for fd in (wake_read, wake_write, 0, self.master):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda number, frame: None)
        self.output.send(b"p", str(self.pid).encode())
        while self.terminal_open:
            readers = [self.master, wake_read]
            if not self.frames.ended:
                readers.append(0)
            writers = [self.master] if self.typed else []
            readable, writable, _ = select.select(readers, writers, [])
            if wake_read in readable:
                try:
                    os.read(wake_read, 512)
                except OSError:
                    pass
            if 0 in readable:
                self._from_proclens()
            if self.master in readable:
                self._from_terminal()
            if self.master in writable:
                self._to_terminal()
            self._reap()
        # Every process has closed the terminal and all it wrote is relayed; the program
        # may still run (having closed its terminal) or wait for ProcLens to read its identity.
        while not self.reported:
            if not self.seen:
                select.select([0], [], [])
                self._from_proclens()
            else:
                self._reap(block=True)

    def _from_proclens(self):
        for kind, payload in self.frames.read():
            if kind == b"i":
                self.typed += payload
            elif kind == b"r":
                rows, cols = (int(n) for n in payload.split())
                _set_size(self.master, rows, cols)
            elif kind == b"a":
                self.seen = True
        if self.frames.ended:
            self.output.gone = True
            self.seen = True  # Nobody will read the identity any more.

    def _to_terminal(self):
        try:
            self.typed = self.typed[os.write(self.master, self.typed):]
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EINTR):
                self.typed = b""

    def _from_terminal(self):
        try:
            data = os.read(self.master, _READ_MOST)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EINTR):
                return
            data = b""  # EIO: no process holds the terminal any more.
        if not data:
            self.terminal_open = False
            if self.pending:
                self.output.send(b"o", self.pending)
            return
        if self.marker is None:
            self.output.send(b"o", data)
            return
        data = self.pending + data
        at = data.find(self.marker)
        if at < 0:
            # Keep back what could be the start of the marker.
            keep = len(self.marker) - 1
            self.pending = data[-keep:]
            if data[:-keep]:
                self.output.send(b"o", data[:-keep])
            return
        if data[:at]:
            self.output.send(b"o", data[:at])
        after = data[at + len(self.marker):]
        self.pending = b""
        self.marker = None
        self._report_exit()
        if after:
            self.output.send(b"o", after)  # A process the program left behind wrote meanwhile.

    def _reap(self, block=False):
        if self.exit_code is not None or not self.seen:
            return
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except OSError:
            return
        if pid != self.pid:
            return
        self.exit_code = _exit_code(status)
        if not self.terminal_open:
            self._report_exit()
            return
        # What the program wrote is in the terminal ahead of this marker: when the marker comes
        # back out, all of it has been relayed. An OSC sequence, swallowed by any terminal.
        self.marker = b"\x1b]proclens;" + os.urandom(8).hex().encode() + b"\x07"
        try:
            fd = os.open(self.slave_name, os.O_WRONLY | os.O_NOCTTY)
            try:
                os.write(fd, self.marker)
            finally:
                os.close(fd)
        except OSError:
            self.marker = None
            self._report_exit()

    def _report_exit(self):
        self.output.send(b"x", str(self.exit_code).encode())
        self.reported = True


def main(argv):
    rows, cols, command = int(argv[1]), int(argv[2]), argv[3:]
    # ProcLens may go away mid-run: a write to its pipe must fail, not kill the launcher.
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    master, slave = _open_terminal(rows, cols)
    slave_name = os.ttyname(slave)
    pid, failure = _start(command, slave, master)
    output = _Output(1)
    if failure:
        output.send(b"e", failure)
        return 0
    # Held by the program alone from now on, so the terminal closes when the last process using it does.
    os.close(slave)
    _Launcher(master, slave_name, pid).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
