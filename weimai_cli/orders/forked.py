"""A large text file's rows read and checked in a forked child process.

Reading, checking and converting rows is Python work that holds the GIL;
binding and writing them is the importing process's. For a large file the
two run side by side on two cores: a child process runs the row generator
and sends its tuples back through a pipe, a batch at a time, while this
process writes the batch before. The child's outcome (the rows it counted,
the repeated header rows it skipped) comes back at the end, and an error it
met is raised here as it would have been in-process, after the rows before
it.

Used where ``os.fork`` exists and there are two cores or more, for a CSV or
TSV file of :data:`MIN_BYTES` or more, and not with ``--skip-bad`` (its
rejects file is written by one process); where the system refuses a
process (fork or pipe fails), the file is read in-process.
``WEIMAI_READER_PROCESS=never``
keeps every file in one process (one core to spare), ``always`` takes the
child for every CSV/TSV file (the tests' way to run small files through it). The child touches neither the
database nor the terminal, and always ends with ``os._exit``: no cleanup of
the copies it holds of this process's objects (the database connection
among them) ever runs there. The fork happens before this file's progress
bar starts (and a file sent to the staging path closes its first bar
before it forks again), so the child is a copy of a process with one thread. If this
process stops reading (an error, a duplicate key that sends the file to the
staging path), :meth:`Forked.close` kills the child and waits for it.
"""

from __future__ import annotations

import marshal
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator

from weimai_cli.i18n import _

MIN_BYTES = 8 << 20  # smaller files: the fork and the pipe cost more than they give
BATCH = 2000  # items per message (by default)
MODES = ("auto", "always", "never")


def _cores() -> int:
    """The cores this process may run on (its affinity, where the OS tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def usable(container: str | None, size: int) -> bool:
    """Whether a file part is worth reading in a child process."""
    mode = os.environ.get("WEIMAI_READER_PROCESS", "auto")
    if mode not in MODES:
        from weimai_cli.errors import UsageError

        raise UsageError(_("WEIMAI_READER_PROCESS={mode!r} is not one of: {modes}").format(
            mode=mode, modes=", ".join(MODES)))
    if mode == "never" or not hasattr(os, "fork") or container not in ("csv", "tsv"):
        return False
    return mode == "always" or (_cores() > 1 and size >= MIN_BYTES)


def start(produce, state, **kwargs) -> Forked | None:
    """A :class:`Forked`, or None when the system cannot start a process now
    (the caller reads in-process instead)."""
    try:
        return Forked(produce, state, **kwargs)
    except OSError:  # fork or pipe refused (EAGAIN, ENOMEM, no fds): one process it is
        return None


Report = Callable[[int, int], None]


class Forked:
    """``produce(report)`` run in a child process; iterating this yields its
    items here. ``state()`` is called in the child once the items are all
    sent, and its value is :attr:`state` here afterwards. ``progress``, when
    set, receives the child's ``report(done, total)`` calls."""

    def __init__(self, produce: Callable[[Report | None], Iterable], state: Callable[[], object],
                 *, reports: bool = False, batch: int = BATCH):
        from multiprocessing.connection import Pipe

        reader, writer = Pipe(duplex=False)
        try:
            pid = os.fork()
        except OSError:
            reader.close()
            writer.close()
            raise
        if pid == 0:  # the child: whatever happens (a signal, even here), it ends in os._exit
            try:
                reader.close()
                _child(writer, produce, state, reports, batch)
            finally:
                os._exit(3)
        writer.close()
        self.pid: int | None = pid
        self.reader = reader
        self.progress: Report | None = None
        self.state: object = None
        self._ended = False

    def __iter__(self) -> Iterator:
        recv = self.reader.recv_bytes
        while True:
            try:
                message = recv()
            except EOFError:
                from weimai_cli.errors import EnvironmentProblem

                raise EnvironmentProblem(
                    _("the process reading the file ended before it was done (killed?); nothing was written"),
                    _("run the import again, or set WEIMAI_READER_PROCESS=never"),
                ) from None
            if message[:1] == _ITEMS:
                yield from marshal.loads(message[1:])
                continue
            kind, payload = pickle.loads(message)
            if kind == "progress":
                if self.progress:
                    self.progress(*payload)
            elif kind == "done":
                self.state, self._ended = payload, True
                return
            else:  # "error"
                self._ended = True
                raise payload

    def close(self) -> None:
        """Wait for the child; one still sending (this process stopped
        reading) is killed first. A child already reaped by the system (when
        SIGCHLD is ignored, as some launchers leave it) is simply gone."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            if not self._ended:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass  # reaped already: nothing left to wait for
        finally:
            self.reader.close()

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_ITEMS = b"I"  # a message of items (marshal: several times faster than pickle for plain values)


def _child(writer, produce, state, reports: bool, size: int) -> None:
    """Run ``produce`` and send what it gives; never returns."""
    code = 0
    batch: list = []
    send_bytes, dumps = writer.send_bytes, marshal.dumps

    def send(message):
        kind, payload = message
        send_bytes(_ITEMS + dumps(payload) if kind == "items" else pickle.dumps(message))

    try:
        for item in produce((lambda done, total: send(("progress", (done, total)))) if reports else None):
            batch.append(item)
            if len(batch) == size:
                send(("items", batch))
                batch = []
        if batch:
            send(("items", batch))
        send(("done", state()))
    except BaseException as exc:
        code = 1
        try:
            if batch:  # the rows before an error come first, as in-process
                send(("items", batch))
            try:  # (an error the parent could not rebuild goes as its text)
                pickle.loads(pickle.dumps(exc))
            except Exception:
                exc = RuntimeError(f"reading the file failed: {type(exc).__name__}: {exc}")
            send(("error", exc))
        except OSError:
            code = 2  # the parent is gone (it stopped reading): nobody to tell
    finally:
        os._exit(code)
