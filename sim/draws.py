"""The randomness layout: which uniform draws a month consumes, and where they come from.

Every month consumes one fixed block of uniforms per replication, whatever happens in the run:

    slot 0                      drought      does a drought start (shared by all regencies)
    slot 1                      meeting      the key actor's: does a fractional meeting happen
    slot 2                      brokering    the regional manager's: does a fractional meeting happen
    slot 3 + 5 i + 0            disposition  regency i: the disposition of a regent taking office
    slot 3 + 5 i + 1            contribute   regency i: does it pay or defect in a bad month
    slot 3 + 5 i + 2            flood        regency i: is there a flood
    slot 3 + 5 i + 3            fiscal       regency i: is there a fiscal cut
    slot 3 + 5 i + 4            new_regent   regency i: the willingness of a newly elected regent

A draw is consumed even when nothing uses it (no drought check during a drought, no meeting
without a key actor, a disposition only when a regent takes office), so replication r of a seed
sees the same numbers in every setup: comparisons of setups are paired (common random numbers).

`HashedDraws` makes the draws with a counter-based generator: the uniform for (seed,
replication, month, slot) is SplitMix64 applied to a counter, so any replication's draws can be
made on their own, in any chunk, in any order, on any worker. `ArrayDraws` feeds given draws
instead — how tests give both drivers the very same numbers.
"""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple, Protocol

import numpy as np

from sim.rules import MonthDraws

SHARED_SLOTS = ("drought", "meeting", "brokering")
REGENCY_SLOTS = ("disposition", "contribute", "flood", "fiscal", "new_regent")
MONTH_STRIDE = 1 << 16  # counter positions reserved per month: room for 13,000 regencies

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def width(n: int) -> int:
    """Uniforms one month consumes per replication for `n` regencies."""
    return len(SHARED_SLOTS) + n * len(REGENCY_SLOTS)


class Block(NamedTuple):
    """A month's draws, all made: each slot's uniforms by name."""

    drought: np.ndarray  # (..., 1)
    meeting: np.ndarray  # (..., 1)
    brokering: np.ndarray  # (..., 1)
    disposition: np.ndarray  # (..., n)
    contribute: np.ndarray  # (..., n)
    flood: np.ndarray  # (..., n)
    fiscal: np.ndarray  # (..., n)
    new_regent: np.ndarray  # (..., n)


def regency_slots(slot: str, n: int) -> np.ndarray:
    """The positions of one regency slot for regencies 0..n-1 in a month's block."""
    return len(SHARED_SLOTS) + np.arange(n) * len(REGENCY_SLOTS) + REGENCY_SLOTS.index(slot)


def split(block: np.ndarray, n: int) -> Block:
    """Name the slots of a (..., width(n)) block of uniforms."""
    shared = block[..., : len(SHARED_SLOTS)]
    regency = block[..., len(SHARED_SLOTS) :].reshape(block.shape[:-1] + (n, len(REGENCY_SLOTS)))
    return Block(
        *(shared[..., k : k + 1] for k in range(len(SHARED_SLOTS))),
        *(regency[..., k] for k in range(len(REGENCY_SLOTS))),
    )


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014) on uint64 values, wrapping mod 2**64."""
    z = np.array(z, dtype=np.uint64)  # a copy: mixed in place below
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= _MIX1
        z ^= z >> np.uint64(27)
        z *= _MIX2
        z ^= z >> np.uint64(31)
    return z


def replication_keys(seed: int, replications: np.ndarray) -> np.ndarray:
    """A 64-bit key per replication, from the seed (through numpy's SeedSequence) and the index."""
    root = np.random.SeedSequence(seed).generate_state(1, np.uint64)[0]
    counters = np.asarray(replications, dtype=np.uint64) + np.uint64(1)
    with np.errstate(over="ignore"):
        return _mix(root + counters * _GAMMA)


class DrawSource(Protocol):
    def month(self, month: int) -> MonthDraws: ...


class HashedDraws:
    """Draws for the given replications of a seed; replication r's depend on (seed, r) only."""

    def __init__(self, seed: int, replications: np.ndarray | int, n: int):
        self.n = n
        self.keys = replication_keys(seed, np.asarray(replications))

    def uniforms(self, month: int, slots: np.ndarray) -> np.ndarray:
        """(*replications.shape, len(slots)) uniforms in [0, 1) at these slots of this month."""
        counters = np.uint64(month * MONTH_STRIDE + 1) + np.asarray(slots, dtype=np.uint64)
        with np.errstate(over="ignore"):
            z = _mix(self.keys[..., None] + counters * _GAMMA)
        z >>= np.uint64(11)
        return z * (1.0 / (1 << 53))

    def block(self, month: int) -> np.ndarray:
        """(*replications.shape, width(n)) uniforms: the whole month."""
        return self.uniforms(month, np.arange(width(self.n)))

    def month(self, month: int) -> MonthDraws:
        return HashedMonth(self, month)


class HashedMonth:
    """One month's draws, each slot made when a rule first reads it: the layout stays fixed,
    and a slot nothing reads this month (no meeting without a key actor, no contribution
    without cooperation) costs nothing."""

    def __init__(self, source: HashedDraws, month: int):
        self.source, self.month = source, month

    def _shared(self, slot: str) -> np.ndarray:
        return self.source.uniforms(self.month, [SHARED_SLOTS.index(slot)])

    def _regency(self, slot: str) -> np.ndarray:
        return self.source.uniforms(self.month, regency_slots(slot, self.source.n))

    @cached_property
    def drought(self) -> np.ndarray:
        return self._shared("drought")

    @cached_property
    def meeting(self) -> np.ndarray:
        return self._shared("meeting")

    @cached_property
    def brokering(self) -> np.ndarray:
        return self._shared("brokering")

    @cached_property
    def disposition(self) -> np.ndarray:
        return self._regency("disposition")

    @cached_property
    def contribute(self) -> np.ndarray:
        return self._regency("contribute")

    @cached_property
    def flood(self) -> np.ndarray:
        return self._regency("flood")

    @cached_property
    def fiscal(self) -> np.ndarray:
        return self._regency("fiscal")

    @cached_property
    def new_regent(self) -> np.ndarray:
        return self._regency("new_regent")


class ArrayDraws:
    """Given draws: an array (..., months, width(n)); month m (1-based) is row m - 1."""

    def __init__(self, draws: np.ndarray, n: int):
        if draws.shape[-1] != width(n):
            raise ValueError(f"draws have {draws.shape[-1]} slots a month; {n} regencies need {width(n)}")
        self.draws, self.n = draws, n

    def month(self, month: int) -> MonthDraws:
        return split(self.draws[..., month - 1, :], self.n)
