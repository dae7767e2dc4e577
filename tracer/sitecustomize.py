# ProcLens tracer entry point.
#
# ProcLens puts this folder first on PYTHONPATH, so Python imports this file at
# start-up instead of any other `sitecustomize`. It does nothing unless the
# ProcLens variables are set, and in every case it then imports the next
# `sitecustomize` on the path, so that a user's own still runs.
import os
import sys


def _keep_bytecode(here):
    """Compiles the tracer once, where Python would not keep the result itself.

    With PYTHONDONTWRITEBYTECODE set (common in containers and CI) Python reads
    cached bytecode but never writes it, and every process the program starts
    would compile these two files again: about 8 ms each, measured. The
    program's own modules are left as the variable says.
    """
    tag = sys.implementation.cache_tag
    if not sys.flags.dont_write_bytecode or sys.flags.optimize or tag is None:
        return
    for name in ("sitecustomize", "_proclens_tracer"):
        source = os.path.join(here, name + ".py")
        cached = os.path.join(here, "__pycache__", "%s.%s.pyc" % (name, tag))
        try:
            if os.stat(cached).st_mtime >= os.stat(source).st_mtime:
                continue
        except OSError:
            pass
        try:
            import py_compile

            py_compile.compile(source, cfile=cached)
        except Exception:
            # A read-only install: compile in memory, as before.
            return


def _start_tracer():
    if not (os.environ.get("PROCLENS_ADDR") and os.environ.get("PROCLENS_TOKEN")):
        return
    try:
        _keep_bytecode(os.path.dirname(os.path.abspath(__file__)))
        import _proclens_tracer

        _proclens_tracer.install()
    except Exception:
        # The tracer must never change the program it watches, not even by failing.
        pass


def _chain_to_next_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))

    def is_here(entry):
        return os.path.abspath(entry or os.curdir) == here

    this_module = sys.modules.pop("sitecustomize", None)
    # Leave sys.path as the program would have it without ProcLens; children
    # still find this folder through the PYTHONPATH variable they inherit.
    sys.path[:] = [entry for entry in sys.path if not is_here(entry)]
    try:
        import importlib

        importlib.import_module("sitecustomize")
    except ImportError as error:
        if error.name != "sitecustomize":
            _report_like_site(error)
        elif this_module is not None:
            sys.modules["sitecustomize"] = this_module
    except Exception as error:
        _report_like_site(error)


def _report_like_site(error):
    # The same words site.py prints, so a broken user sitecustomize looks as it
    # does without ProcLens.
    if sys.flags.verbose:
        sys.excepthook(type(error), error, error.__traceback__)
    else:
        sys.stderr.write(
            "Error in sitecustomize; set PYTHONVERBOSE for traceback:\n"
            "%s: %s\n" % (type(error).__name__, error)
        )


_start_tracer()
_chain_to_next_sitecustomize()
