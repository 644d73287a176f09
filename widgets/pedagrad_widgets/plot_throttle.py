"""Throttle: when a live picture may be redrawn without slowing the loop that feeds it."""
import time


class Throttle:
    """Allow a redraw at most every ``min_interval`` seconds, and rarely enough that drawing takes at most
    ``share`` of the time (judged from what recent frames cost)."""

    def __init__(self, min_interval=0.2, share=0.05, first_cost=0.05):
        self.min_interval = min_interval
        self.share = share
        self.cost = first_cost  # seconds per frame, averaged over recent frames
        self.last = None  # when the last frame ended (or feeding began)
        self.frames = 0

    def start(self):
        """Start the clock at the first value fed, if it is not running yet."""
        if self.last is None:
            self.last = time.perf_counter()

    def due(self):
        """True if enough time has passed since the last frame."""
        self.start()
        wait = max(self.min_interval, self.cost * (1 - self.share) / self.share)
        return time.perf_counter() - self.last >= wait

    def frame(self, draw):
        """Call ``draw()``, time it, and return what it returned."""
        t0 = time.perf_counter()
        result = draw()
        self.last = time.perf_counter()
        spent = self.last - t0
        self.cost = spent if self.frames == 0 else 0.5 * (self.cost + spent)
        self.frames += 1
        return result
