"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Local workers start from a fork server, not by forking this process, which may hold threads
(progress bars, Arrow). `run_chunks` hands chunks to an executor, keeps a bounded number in flight, retries a chunk
whose worker raised or died a bounded number of times, and reports every finished or failed
chunk as it comes. A crashing chunk breaks a whole local process pool (`BrokenProcessPool`): the
pool is rebuilt and the chunks that were in it are sent again.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sim.validation import InputError, Problem

ATTEMPTS = 3  # tries per chunk before its runs are recorded as failed
TIMEOUT = 600.0  # seconds to wait for any chunk to finish before a chunk is given up as lost
PROBE_TIMEOUT = 5.0  # seconds for a Dask scheduler's address to accept a connection
CONNECT_TIMEOUT = 10.0  # seconds for the scheduler to answer the Dask client
ANSWER_TIMEOUT = 15.0  # seconds before a scheduler that does not answer at all is given up


class InProcess:
    """Runs each chunk at once, here: for one worker, without the cost of a process pool."""

    def submit(self, function: Callable, *args: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(function(*args))
        except Exception as error:  # reported as the chunk's failure, like a worker's
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class DaskPool:
    """A Dask client's executor, with the shutdown signature of the standard library's."""

    def __init__(self, client: Any):
        self.executor = client.get_executor(pure=False)  # a retried chunk is a new task

    def submit(self, function: Callable, *args: Any) -> cf.Future:
        return self.executor.submit(function, *args)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait and not cancel_futures)


@dataclass
class Executor:
    """An executor and how to make it again (a broken process pool is rebuilt)."""

    description: dict
    make: Callable[[], Any]
    in_flight: int
    close: Callable[[], Any] = lambda: None  # releases what outlives pools (a Dask client)

    def __post_init__(self) -> None:
        self.pool = self.make()

    def rebuild(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self.make()

    def shutdown(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)
        self.close()


def local(workers: int | None) -> Executor:
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return Executor({"kind": "local", "workers": 1}, InProcess, in_flight=1)
    return Executor(
        {"kind": "local", "workers": workers},
        lambda: cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=follow_parent,
            initargs=(os.getpid(),),
        ),
        in_flight=2 * workers,
    )


def follow_parent(parent: int) -> None:
    """In a worker: end this process when the process that runs the experiment ends, however it
    ends (the OOM killer's SIGKILL included), instead of living on as an orphan. A worker's
    parent is the fork server, so the experiment's process is watched by its PID."""

    def watch() -> None:
        try:
            handle = os.pidfd_open(parent)  # Linux: readable once the process has ended
        except (AttributeError, OSError):
            handle = None
        while True:
            if handle is not None:
                select.select([handle], [], [])
                break
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def dask(address: str) -> Executor:
    """A Dask cluster's executor (the optional extra `kerjasama[dask]`).

    The address is probed with a plain connection first: Dask's client retries a refused
    connection until its timeout, which would keep a mistyped address waiting for seconds.
    """

    def refuse(allowed: str) -> InputError:
        return InputError([Problem("command line", "--scheduler", address, allowed)])

    try:
        from distributed import Client
        from distributed.comm import parse_address, parse_host_port
    except ImportError:
        raise refuse("needs Dask: pip install 'kerjasama[dask]'") from None
    try:
        host, port = parse_host_port(parse_address(address)[1])
    except ValueError as error:
        raise refuse(f"must be a scheduler's address, like tcp://10.0.0.5:8786 ({error})") from None
    try:
        socket.create_connection((host, port), timeout=PROBE_TIMEOUT).close()
    except OSError as error:
        raise refuse(f"nothing answers there ({error})") from None
    client = _connect(Client, address, refuse)
    workers = len(client.scheduler_info().get("workers", {}))
    return Executor(
        {"kind": "dask", "scheduler": address, "workers": workers},
        lambda: DaskPool(client),
        in_flight=max(4, 2 * workers),
        close=client.close,
    )


def _connect(client_class: Any, address: str, refuse: Callable[[str], InputError]) -> Any:
    """A Dask client, or a refusal within ANSWER_TIMEOUT: a program that accepts the connection
    and never answers keeps Dask's own client waiting for minutes, so it connects in a thread
    that is abandoned (a daemon: it does not keep the process alive) when the time is up."""
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = client_class(address, timeout=CONNECT_TIMEOUT)
        except Exception as error:  # whatever answered, it is not a scheduler the client can use
            outcome["error"] = error

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(ANSWER_TIMEOUT)
    if "client" in outcome:
        return outcome["client"]
    if "error" in outcome:
        error = outcome["error"]
        raise refuse(f"no Dask scheduler answers there ({type(error).__name__}: {error})")
    raise refuse(f"a program accepts connections there, but no Dask scheduler answered within {ANSWER_TIMEOUT:.0f} s")


def run_chunks(
    executor: Executor,
    function: Callable[[Any], Any],
    chunks: Iterable[Any],
    finished: Callable[[Any, Any], None],
    failed: Callable[[Any, str], None],
) -> None:
    """Run function(chunk) for every chunk; call finished(chunk, result) or failed(chunk, error)."""
    waiting = list(chunks)
    waiting.reverse()  # pop() takes them in order
    attempts: dict[int, int] = {}
    running: dict[cf.Future, Any] = {}

    def send() -> None:
        while waiting and len(running) < executor.in_flight:
            chunk = waiting.pop()
            try:
                running[executor.pool.submit(function, chunk)] = chunk
            except BrokenProcessPool:  # the pool broke before the chunk got in: a new pool
                retry(chunk, "its worker process died")
                executor.rebuild()

    def retry(chunk: Any, error: str) -> None:
        attempts[id(chunk)] = attempts.get(id(chunk), 0) + 1
        if attempts[id(chunk)] < ATTEMPTS:
            waiting.append(chunk)
        else:
            failed(chunk, error)

    send()
    while running:
        done, _ = cf.wait(running, timeout=TIMEOUT, return_when=cf.FIRST_COMPLETED)
        if not done:  # nothing came back in time: give the chunks in flight up as lost
            lost = list(running.values())
            running.clear()
            executor.rebuild()
            for chunk in lost:
                retry(chunk, f"no result within {TIMEOUT:.0f} s")
        broken = False
        for future in done:
            chunk = running.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                broken = True
                retry(chunk, "its worker process died")
            except Exception as error:  # the chunk raised: retried, then recorded with the error
                retry(chunk, f"{type(error).__name__}: {error}")
            else:
                finished(chunk, result)
        if broken:  # every chunk in a broken pool fails with it: send them again to a new pool
            for future, chunk in list(running.items()):
                future.cancel()
                retry(chunk, "its worker process died")
            running.clear()
            executor.rebuild()
        send()
