"""How the cost of a check grows with its input: linear work costs 4 times more on 4 times more."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

#: The largest growth accepted when the input grows four times: linear work gives about 4,
#: quadratic 16.  The margin covers timer noise on a busy machine.
LINEAR = 8


def _best_of_three(run: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def growth(make: Callable[[int], Callable[[], object]], n: int) -> float:
    """How much longer ``make(4 * n)()`` takes than ``make(n)()`` (best of three runs each)."""
    small, large = make(n), make(4 * n)
    return _best_of_three(large) / _best_of_three(small)
