"""The ensembles behind the live odds, computed once for the whole room.

Every session of a dashboard server asks this one pool. A computation another session already
asked for is shared, not repeated; a result is kept (LRU) for the next group that tries the same
setup; a computation nobody wants any more (the participant moved the slider again) is dropped
before it starts. The ensembles run in worker processes, at most one per core and at a lower
priority than the server, so that Step and Play stay responsive while the odds are computed, and
a first estimate (few runs) always goes before a refinement (many runs), a sweep or the start-up's
warming of the presets.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import multiprocessing
import os
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import IntEnum

from sim.ensemble import EnsembleResult, run_ensemble
from sim.scenario import Scenario

CACHE_SIZE = 256  # ensembles kept: a workshop tries the same few dozen setups again and again
PARENT_CHECK_SECONDS = 1.0
NICENESS = 5  # workers yield the cores to the server, which steps and draws the runs on screen


class Priority(IntEnum):
    """What waits for what: a participant's first estimate before anything else."""

    QUICK = 0
    FULL = 1
    SWEEP = 2
    WARM = 3


def worker_count() -> int:
    """One worker per core, unless KERJASAMA_ODDS_WORKERS says otherwise."""
    wanted = os.environ.get("KERJASAMA_ODDS_WORKERS", "")
    return int(wanted) if wanted.isdigit() and int(wanted) > 0 else max(1, os.cpu_count() or 1)


def scenario_key(scenario: Scenario) -> str:
    return json.dumps(scenario.document, sort_keys=True, default=str)


def _start_worker() -> None:
    """A worker yields the cores to the server, and ends with it: a server stopped by a signal
    does not wait for its pool, and an orphaned worker would hold its memory forever."""
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: the workers run at the server's priority
        pass
    server = os.getppid()

    def end_with_the_server() -> None:
        while os.getppid() == server:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=end_with_the_server, daemon=True).start()


def _ensemble(scenario: Scenario, runs: int) -> EnsembleResult:
    return run_ensemble(scenario, runs)


@dataclass(eq=False)
class Job:
    key: tuple[str, int]
    scenario: Scenario
    runs: int
    priority: Priority
    future: Future = field(default_factory=Future)
    claims: int = 1
    started: bool = False


@dataclass(frozen=True, eq=False)
class Claim:
    """A session's interest in one ensemble; `release` it when the answer is no longer wanted."""

    future: Future
    job: Job | None  # None when the answer was already known

    def result(self, timeout: float | None = None) -> EnsembleResult:
        return self.future.result(timeout)

    def done(self) -> bool:
        return self.future.done()


class EnsemblePool:
    def __init__(self, workers: int | None = None, cache_size: int = CACHE_SIZE):
        self.workers = workers or worker_count()
        self.cache_size = cache_size
        self.computed = 0  # ensembles actually run: for the tests and the benchmark
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, int], EnsembleResult] = OrderedDict()
        self._jobs: dict[tuple[str, int], Job] = {}  # waiting or running
        self._waiting: list[tuple[int, int, Job]] = []  # a heap; entries of dropped jobs are skipped
        self._order = itertools.count()
        self._running = 0
        self._executor: ProcessPoolExecutor | None = None

    def claim(self, scenario: Scenario, runs: int, priority: Priority = Priority.FULL) -> Claim:
        """The ensemble of `runs` replications of the scenario (its seed): known, shared with the
        sessions already waiting for it, or queued."""
        key = (scenario_key(scenario), runs)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                known: Future = Future()
                known.set_result(self._cache[key])
                return Claim(known, None)
            job = self._jobs.get(key)
            if job is None:
                job = self._jobs[key] = Job(key, scenario, runs, priority, claims=0)
                heapq.heappush(self._waiting, (priority, next(self._order), job))
            elif priority < job.priority and not job.started:  # wanted sooner now: queued again
                job.priority = priority
                heapq.heappush(self._waiting, (priority, next(self._order), job))
            job.claims += 1
            failed = self._dispatch()
        self._fail(failed)
        return Claim(job.future, job)

    def release(self, claim: Claim) -> None:
        """Nobody else waiting and not started yet: the computation is dropped."""
        job = claim.job
        if job is None:
            return
        with self._lock:
            job.claims -= 1
            if job.claims <= 0 and not job.started and self._jobs.get(job.key) is job:
                del self._jobs[job.key]
                job.future.cancel()

    def known(self, scenario: Scenario, runs: int) -> EnsembleResult | None:
        with self._lock:
            return self._cache.get((scenario_key(scenario), runs))

    def waiting(self) -> int:
        with self._lock:
            return sum(1 for job in self._jobs.values() if not job.started)

    def clear(self) -> None:
        """Forget the results (what a benchmark does to time a computation again)."""
        with self._lock:
            self._cache.clear()

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def _dispatch(self) -> list[tuple[Job, BaseException]]:
        """Start the most wanted waiting jobs while a worker is free (the lock is held); the jobs
        that could not be started, for `_fail` once the lock is released."""
        failed: list[tuple[Job, BaseException]] = []
        while self._running < self.workers and self._waiting:
            _, _, job = heapq.heappop(self._waiting)
            if job.started or self._jobs.get(job.key) is not job:
                continue  # started by an earlier entry, or dropped
            job.started = True
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
                )
            try:
                running = self._executor.submit(_ensemble, job.scenario, job.runs)
            except (BrokenProcessPool, RuntimeError) as error:  # a worker died, or the server stops
                self._executor = None  # the next job starts a new pool
                del self._jobs[job.key]
                failed.append((job, error))
                continue
            self._running += 1
            running.add_done_callback(lambda done, job=job: self._finished(job, done))
        return failed

    @staticmethod
    def _fail(failed: list[tuple[Job, BaseException]]) -> None:
        """Tell the sessions waiting for these jobs; outside the lock, as their callbacks may claim."""
        for job, error in failed:
            job.future.set_exception(error)

    def _finished(self, job: Job, done: Future) -> None:
        error = done.exception() if not done.cancelled() else RuntimeError("the computation was cancelled")
        with self._lock:
            self._running -= 1
            if self._jobs.get(job.key) is job:
                del self._jobs[job.key]
            if error is None:
                self.computed += 1
                if os.environ.get("KERJASAMA_ODDS_LOG") == "1":  # `kerjasama dashboard --verbose`
                    digest = hashlib.sha256(job.key[0].encode()).hexdigest()[:12]
                    print(
                        f"odds: computed {job.runs} runs of setting {digest} ({self.computed} so far)", file=sys.stderr
                    )
                self._cache[job.key] = done.result()
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            elif isinstance(error, BrokenProcessPool):
                self._executor = None
            failed = self._dispatch()
        self._fail(failed)
        if error is None:
            job.future.set_result(done.result())
        else:
            job.future.set_exception(error)


POOL = EnsemblePool()
