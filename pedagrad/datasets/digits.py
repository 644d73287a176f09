"""The 8x8 handwritten digits (UCI "Optical Recognition of Handwritten Digits", test set): 1,797
images of 0-9, shipped with pedagrad and checked against their sha256 on every load."""
import functools
import gzip
import hashlib
import io
from pathlib import Path

import numpy as np

from .._random import Generator, rng
from .._tensor import Tensor
from ..utils.data import TensorDataset

DIGITS_PATH = Path(__file__).parent / "data" / "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
_SPLIT_SEED = 0  # the fixed split every learner gets unless they pass a generator


def load_digits(as_dataset=False):
    """The digits: images float32 (1797, 8, 8) in [0, 1] (pixel counts 0..16 divided by 16) and
    labels int64 (1797,); or a TensorDataset of the two if ``as_dataset``."""
    pixels, labels = _read(str(DIGITS_PATH))
    images = Tensor._wrap(pixels.reshape(-1, 8, 8).astype(np.float32) / 16)
    labels = Tensor._wrap(labels.copy())
    return TensorDataset(images, labels) if as_dataset else (images, labels)


def digits_splits(test_fraction=0.2, generator=None):
    """Train and test TensorDatasets of (64 features in [0, 1], label). The samples are split at
    random, the same way on every call unless a ``generator`` chooses another split."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    pixels, labels = _read(str(DIGITS_PATH))
    X = pixels.astype(np.float32) / 16
    order = rng(generator or Generator().manual_seed(_SPLIT_SEED)).permutation(len(X))
    n_test = round(len(X) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (TensorDataset(Tensor._wrap(X[train]), Tensor._wrap(labels[train])),
            TensorDataset(Tensor._wrap(X[test]), Tensor._wrap(labels[test])))


@functools.lru_cache(maxsize=2)
def _read(path):
    """(pixels uint8 (1797, 64), labels int64 (1797,)) from the csv.gz, after checking its sha256."""
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DIGITS_SHA256:
        raise RuntimeError(
            f"the digits data file {path} is damaged or was replaced: its sha256 is {digest}, but "
            f"pedagrad ships the file with sha256 {DIGITS_SHA256}. Reinstall pedagrad to restore "
            "it (pip install --force-reinstall pedagrad, or git checkout the file in a clone).")
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.uint8)
    pixels, labels = table[:, :64], table[:, 64].astype(np.int64)
    pixels.flags.writeable = labels.flags.writeable = False  # cached: callers get copies
    return pixels, labels
