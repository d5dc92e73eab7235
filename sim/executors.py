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
import socket
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sim.validation import InputError, Problem

ATTEMPTS = 3  # tries per chunk before its runs are recorded as failed
TIMEOUT = 600.0  # seconds to wait for any chunk to finish before a chunk is given up as lost
PROBE_TIMEOUT = 5.0  # seconds for a Dask scheduler's address to accept a connection
CONNECT_TIMEOUT = 10.0  # seconds for the scheduler to answer the Dask client


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
        lambda: cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")),
        in_flight=2 * workers,
    )


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
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except Exception as error:  # whatever answered, it is not a scheduler the client can use
        raise refuse(f"no Dask scheduler answers there ({type(error).__name__}: {error})") from None
    workers = len(client.scheduler_info().get("workers", {}))
    return Executor(
        {"kind": "dask", "scheduler": address, "workers": workers},
        lambda: DaskPool(client),
        in_flight=max(4, 2 * workers),
        close=client.close,
    )


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
