"""Random numbers: one seeded generator, so ``manual_seed(0)`` makes every later call repeat.

pedagrad draws from numpy's PCG64, not PyTorch's Mersenne Twister: the same seed repeats the
same numbers in pedagrad, but they are not the numbers PyTorch draws for that seed.
"""
import numpy as np


class Generator:
    """A source of random numbers with its own seed (``torch.Generator``)."""

    def __init__(self, device="cpu"):
        self.manual_seed(67280421310721)  # PyTorch's default seed

    def manual_seed(self, seed):
        seed = int(seed)
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed & 0xFFFF_FFFF_FFFF_FFFF))
        return self

    def initial_seed(self):
        return self._seed

    def seed(self):
        """Seed from the operating system's entropy and return the new seed."""
        seed = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF
        self.manual_seed(seed)
        return seed

    def get_state(self):
        """The generator's state, as a plain dict of numbers that ``pedagrad.save`` can store."""
        return {"seed": self._seed, "bit_generator": self._rng.bit_generator.state}

    def set_state(self, state):
        self._seed = state["seed"]
        self._rng.bit_generator.state = state["bit_generator"]


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator: every random call after it repeats exactly."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    return (generator or default_generator)._rng
