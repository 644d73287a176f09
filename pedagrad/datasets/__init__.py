"""Small offline data sets for lessons: 2-d toy problems made on the spot, and the 8x8 digits."""
from .digits import digits_splits, load_digits
from .synthetic import make_blobs, make_line, make_moons, make_spirals

__all__ = ["digits_splits", "load_digits", "make_blobs", "make_line", "make_moons", "make_spirals"]
