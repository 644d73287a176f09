"""DataLoader: walk a dataset in (shuffled) mini-batches, one epoch per ``for`` loop."""
import math
import warnings

import numpy as np

from ..._tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _InfiniteConstantSampler

_FIXED_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                     "persistent_workers")
_warned_about_workers = False


class DataLoader:
    """Batches of ``dataset``: each ``for batch in loader`` is one epoch, reshuffled if ``shuffle``."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        iterable = isinstance(dataset, IterableDataset)
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers, pin_memory,
                              iterable)
        if iterable:  # a stream: no indices to shuffle or sample, so no sampler options
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler "
                                 f"option, but got batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if iterable:
            sampler = _InfiniteConstantSampler()
        elif sampler is None:
            if batch_sampler is None:  # the batch sampler alone decides which samples to read
                _check_has_len(dataset)
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self.persistent_workers = persistent_workers
        self._iterable = iterable
        self._IterableDataset_len_called = None  # len(dataset), once len(loader) was asked (torch's name)
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None
                                         else default_convert)
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in _FIXED_AFTER_INIT:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is "
                             "initialized; create a new DataLoader instead")
        super().__setattr__(name, value)

    def __iter__(self):
        if self._iterable:
            return self._stream(self._IterableDataset_len_called)
        return self._epoch()

    def _epoch(self):
        if self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        fetch = self._batch_fetcher()
        for indices in self.batch_sampler:
            yield fetch(indices)

    def _stream(self, reported_len):
        """An IterableDataset's samples in the order it yields them, ``batch_size`` at a time."""
        samples, collate, size = iter(self.dataset), self.collate_fn, self.batch_size
        yielded = 0
        while True:
            if size is None:
                try:
                    batch = collate(next(samples))
                except StopIteration:
                    return
            else:
                chunk = [s for _, s in zip(range(size), samples)]
                if not chunk or (self.drop_last and len(chunk) < size):
                    return
                batch = collate(chunk)
            yielded += 1
            if reported_len is not None and yielded > reported_len:
                warnings.warn(f"Length of IterableDataset {self.dataset} was reported to be "
                              f"{reported_len}(when accessing len(dataloader)), but {yielded} samples "
                              "have been fetched. ", UserWarning, stacklevel=2)
            yield batch

    def __len__(self):
        if self._iterable:  # as torch: the dataset's own len(), a TypeError if it has none
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _batch_fetcher(self):
        """A function from a batch's indices to the collated batch."""
        if self.collate_fn is default_collate:
            gather = _gatherer(self.dataset)
            if gather is not None:
                return lambda indices: gather(np.asarray(indices, dtype=np.int64))
        dataset, collate = self.dataset, self.collate_fn
        if callable(getattr(dataset, "__getitems__", None)):
            return lambda indices: collate(dataset.__getitems__(indices))
        return lambda indices: collate([dataset[i] for i in indices])


def _gatherer(dataset):
    """For a TensorDataset (or a Subset of one): index array -> the batch that default_collate would
    build sample by sample, made with one numpy fancy-indexing per tensor. Else None."""
    if (isinstance(dataset, TensorDataset) and type(dataset).__getitem__ is TensorDataset.__getitem__
            and all(isinstance(t, Tensor) for t in dataset.tensors)):
        tensors = dataset.tensors
        return lambda idx: [_rows(t, idx) for t in tensors]
    if (isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__
            and type(dataset).__getitems__ is Subset.__getitems__):
        inner = _gatherer(dataset.dataset)
        if inner is not None:
            positions = np.asarray(dataset.indices, dtype=np.int64)
            return lambda idx: inner(positions[idx])
    return None


def _rows(t, idx):
    if t.requires_grad:  # stays in the graph, as stacking the samples would
        return t[Tensor._wrap(idx)]
    return Tensor._wrap(t._data[idx])


def _check_has_len(dataset):
    if not hasattr(dataset, "__len__"):
        raise TypeError(
            f"DataLoader needs len(dataset), but {type(dataset).__name__} defines no __len__: add "
            "`def __len__(self): return <number of samples>` to the dataset class")


def get_worker_info():
    """Information about the worker process loading data, or None in the main process: always
    None in pedagrad, which loads data in the main process (an IterableDataset that splits its
    stream between workers reads all of it)."""
    return None


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers, pin_memory,
                          iterable=False):
    """torch's checks; then: worker processes don't change the batches, so pedagrad runs without."""
    global _warned_about_workers
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                         "multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                         "let num_workers > 0 to enable multiprocessing, otherwise set "
                         "prefetch_factor to None.")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if num_workers > 0 and not _warned_about_workers:
        _warned_about_workers = True
        same = ("An IterableDataset is read once, as by a single worker (get_worker_info() is None)."
                if iterable else "The batches and their order are the same as with workers; only the "
                                 "speed differs.")
        warnings.warn(f"pedagrad loads data in the main process: num_workers={num_workers} starts no "
                      f"worker processes. {same}", UserWarning, stacklevel=3)
    if pin_memory:
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                      "device pinned memory won't be used.", UserWarning, stacklevel=3)
