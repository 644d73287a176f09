"""Axis ranges that stay put while data grows, so a live plot can reuse its drawn axes for many frames."""
import math

HEADROOM = 0.3  # a new range leaves this share of the data's span free on each side
MIN_FILL = 0.4  # a range is refitted once the data fills less than this share of it


def fit_range(lo, hi, current=None, log=False):
    """The (low, high) axis range to show data spanning [lo, hi]: ``current`` while it still fits, else a new one.

    A new range has headroom on both sides, so that data creeping outwards does not change it at
    every frame. On a linear axis, data that never goes below 0 (or above 1) gets a range that stops
    just past 0 (or 1), the natural floor of a loss and ceiling of an accuracy.
    """
    scale = math.log10 if log else float
    if current is not None:
        low, high = scale(current[0]), scale(current[1])
        if low <= scale(lo) and scale(hi) <= high and scale(hi) - scale(lo) >= MIN_FILL * (high - low):
            return current
    floor, ceiling = lo >= 0, hi <= 1
    lo, hi = scale(lo), scale(hi)
    if hi - lo <= 0:
        half = 0.25 if log else max(abs(hi) * 0.05, 5e-4)
        lo, hi = lo - half, hi + half
    span = hi - lo
    low, high = lo - HEADROOM * span, hi + HEADROOM * span
    if log:
        return 10 ** low, 10 ** high
    if floor and low < 0:
        low = min(lo, 0.0) - 0.02 * span
    if ceiling and high > 1:
        high = max(hi, 1.0) + 0.02 * span
    return low, high


def data_range(values, log=False):
    """(min, max) of the finite values (positive ones only on a log axis), or None if there are none."""
    good = [v for v in values if v is not None and math.isfinite(v) and (v > 0 or not log)]
    return (min(good), max(good)) if good else None
