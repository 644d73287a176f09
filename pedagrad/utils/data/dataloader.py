"""DataLoader: walk a dataset in (shuffled) mini-batches, one epoch per ``for`` loop."""
import warnings

import numpy as np

from ..._tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

_FIXED_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                     "persistent_workers")
_warned_about_workers = False


class DataLoader:
    """Batches of ``dataset``: each ``for batch in loader`` is one epoch, reshuffled if ``shuffle``."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True):
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers, pin_memory)
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
        if sampler is None:
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
        self.collate_fn = collate_fn or (default_collate if batch_sampler is not None
                                         else default_convert)
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in _FIXED_AFTER_INIT:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is "
                             "initialized; create a new DataLoader instead")
        super().__setattr__(name, value)

    def __iter__(self):
        if self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        fetch = self._batch_fetcher()
        for indices in self.batch_sampler:
            yield fetch(indices)

    def __len__(self):
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


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers, pin_memory):
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
        warnings.warn(f"pedagrad loads data in the main process: num_workers={num_workers} starts no "
                      "worker processes. The batches and their order are the same as with "
                      "workers; only the speed differs.", UserWarning, stacklevel=3)
    if pin_memory:
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                      "device pinned memory won't be used.", UserWarning, stacklevel=3)
