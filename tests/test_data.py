"""pedagrad.utils.data: datasets, splitting, samplers, collation and the DataLoader's epochs."""
import collections
import warnings

import numpy as np
import pytest

import pedagrad as pg
from pedagrad.utils import data as pgdata
from pedagrad.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    Subset,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    random_split,
)
from pedagrad.utils.data import dataloader as dataloader_module


def _xy(n=10, features=3):
    X = pg.arange(n * features, dtype=pg.float32).reshape(n, features)
    return X, pg.arange(n)


class Squares(Dataset):
    """A user dataset that builds each sample in Python: (x, x**2) as a float tensor and an int."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return pg.tensor([float(i)]), i * i

    def __len__(self):
        return self.n


def _labels(loader):
    return [int(v) for _, y in loader for v in y.tolist()]


# -- datasets ------------------------------------------------------------------------------------


def test_tensor_dataset_gives_rows_of_every_tensor():
    X, y = _xy()
    ds = TensorDataset(X, y)
    x3, y3 = ds[3]
    assert len(ds) == 10 and x3.tolist() == [9.0, 10.0, 11.0] and y3.item() == 3
    assert ds.tensors[0] is X


def test_tensor_dataset_size_mismatch_names_the_sizes():
    with pytest.raises(AssertionError, match=r"Size mismatch between tensors.*\[10, 9\]"):
        TensorDataset(pg.zeros(10, 2), pg.zeros(9))


def test_dataset_base_class_asks_for_getitem_and_plus_concatenates():
    with pytest.raises(NotImplementedError, match="should implement __getitem__"):
        Dataset()[0]
    both = Squares(3) + TensorDataset(*_xy(2))
    assert isinstance(both, pgdata.ConcatDataset) and len(both) == 5
    assert both[2][1] == 4 and both[3][1].item() == 0 and both[-1][1].item() == 1
    with pytest.raises(IndexError, match="index 5 is out of range.*5 samples"):
        both[5]


def test_subset_picks_the_given_indices_in_order():
    sub = Subset(TensorDataset(*_xy()), [7, 2, 5])
    assert len(sub) == 3 and sub[0][1].item() == 7 and sub[2][1].item() == 5


def test_random_split_partitions_the_dataset():
    ds = TensorDataset(*_xy(10))
    parts = random_split(ds, [3, 7])
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))


def test_random_split_fractions_share_out_the_remainder_like_torch():
    assert [len(p) for p in random_split(range(10), [0.33, 0.33, 0.34])] == [4, 3, 3]
    assert [len(p) for p in random_split(range(1797), [0.8, 0.2])] == [1438, 359]


def test_random_split_repeats_with_a_seed_or_a_generator():
    pg.manual_seed(5)
    a = random_split(range(20), [10, 10])[0].indices
    pg.manual_seed(5)
    assert random_split(range(20), [10, 10])[0].indices == a
    g1, g2 = pg.Generator().manual_seed(1), pg.Generator().manual_seed(1)
    assert random_split(range(20), [5, 15], g1)[0].indices == random_split(range(20), [5, 15], g2)[0].indices


def test_random_split_lengths_that_do_not_add_up_name_both_numbers():
    with pytest.raises(ValueError, match=r"Sum of input lengths.*add up to 9.*has 10 samples"):
        random_split(range(10), [4, 5])


# -- the DataLoader --------------------------------------------------------------------------------


def test_loader_yields_x_y_batches_and_knows_its_length():
    loader = DataLoader(TensorDataset(*_xy(10)), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    X, y = batches[0]
    assert isinstance(batches[0], list) and X.shape == (4, 3) and y.tolist() == [0, 1, 2, 3]
    assert batches[-1][1].tolist() == [8, 9]  # the last batch is what is left
    assert X.dtype is pg.float32 and y.dtype is pg.int64


def test_drop_last_drops_the_short_batch():
    loader = DataLoader(TensorDataset(*_xy(10)), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [len(y) for _, y in loader] == [4, 4]


def test_shuffle_visits_every_sample_once_per_epoch_and_reshuffles():
    loader = DataLoader(TensorDataset(*_xy(50)), batch_size=8, shuffle=True)
    first, second = _labels(loader), _labels(loader)
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != second and first != list(range(50))


def test_manual_seed_makes_shuffled_epochs_repeat_exactly():
    loader = DataLoader(TensorDataset(*_xy(50)), batch_size=8, shuffle=True)
    pg.manual_seed(0)
    run1 = [_labels(loader), _labels(loader)]
    pg.manual_seed(0)
    assert [_labels(loader), _labels(loader)] == run1
    pg.manual_seed(1)
    assert _labels(loader) != run1[0]


def test_a_generator_decides_the_order_whatever_the_global_seed():
    ds = TensorDataset(*_xy(30))
    pg.manual_seed(0)
    a = _labels(DataLoader(ds, batch_size=7, shuffle=True, generator=pg.Generator().manual_seed(3)))
    pg.manual_seed(99)
    b = _labels(DataLoader(ds, batch_size=7, shuffle=True, generator=pg.Generator().manual_seed(3)))
    assert a == b


def test_the_fast_path_gives_the_same_batches_as_sample_by_sample():
    X, y = _xy(23)
    train, _ = random_split(TensorDataset(X, y), [0.7, 0.3])
    fast = DataLoader(train, batch_size=5, shuffle=True)
    slow = DataLoader(train, batch_size=5, shuffle=True, collate_fn=lambda b: default_collate(b))
    pg.manual_seed(4)
    a = [(xb.tolist(), yb.tolist(), xb.dtype, yb.dtype) for xb, yb in fast]
    pg.manual_seed(4)
    b = [(xb.tolist(), yb.tolist(), xb.dtype, yb.dtype) for xb, yb in slow]
    assert a == b


def test_batches_of_a_tensor_that_requires_grad_stay_in_the_graph():
    w = pg.ones(6, 2, requires_grad=True)
    (xb,) = next(iter(DataLoader(TensorDataset(w), batch_size=3)))
    xb.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0]] * 3 + [[0.0, 0.0]] * 3


def test_an_epoch_of_a_tensor_dataset_gathers_each_batch_with_one_index_per_tensor(monkeypatch):
    """The fast path: no per-sample __getitem__ and stack, one numpy fancy-index per tensor and batch."""
    rows = []
    real_rows = dataloader_module._rows
    monkeypatch.setattr(dataloader_module, "_rows", lambda t, idx: rows.append(len(idx)) or real_rows(t, idx))
    loader = DataLoader(TensorDataset(pg.randn(1797, 64), pg.randint(0, 10, (1797,))),
                        batch_size=64, shuffle=True)
    assert sum(len(y) for _, y in loader) == 1797
    assert len(rows) == 2 * len(loader) == 2 * 29 and sum(rows) == 2 * 1797


def test_user_datasets_are_collated_sample_by_sample():
    batches = list(DataLoader(Squares(5), batch_size=2))
    x, y = batches[1]
    assert x.shape == (2, 1) and x.dtype is pg.float32 and y.tolist() == [4, 9] and y.dtype is pg.int64


def test_batch_size_none_gives_single_samples_with_numpy_turned_into_tensors():
    class Arrays(Dataset):
        def __getitem__(self, i):
            return np.full(2, i), i

        def __len__(self):
            return 3

    loader = DataLoader(Arrays(), batch_size=None)
    samples = list(loader)
    assert len(loader) == 3 and isinstance(samples[2][0], pg.Tensor)
    assert samples[2][0].tolist() == [2, 2] and samples[2][1] == 2


def test_a_custom_sampler_and_collate_fn_are_used():
    loader = DataLoader(TensorDataset(*_xy(10)), batch_size=2, sampler=[9, 8, 1],
                        collate_fn=lambda samples: [int(y) for _, y in samples])
    assert list(loader) == [[9, 8], [1]] and len(loader) == 2


def test_options_that_would_change_results_in_torch_are_checked_like_torch():
    ds = TensorDataset(*_xy())
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but got "
                                         "batch_size=0"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    loader = DataLoader(ds, batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 5


@pytest.fixture
def fresh_worker_warning(monkeypatch):
    """The once-per-process worker warning as if no DataLoader had warned yet; restored afterwards,
    so neither this test nor the others depend on which ran first."""
    monkeypatch.setattr(dataloader_module, "_warned_about_workers", False)


def _caught(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # Python's own once-per-line filter would hide repeats
        result = make()
    return result, [str(w.message) for w in caught]


def test_worker_processes_are_replaced_by_one_warning(fresh_worker_warning):
    ds = TensorDataset(*_xy(12))
    loader, first = _caught(lambda: DataLoader(ds, batch_size=5, num_workers=4, persistent_workers=True,
                                               prefetch_factor=2))
    assert len(first) == 1 and first[0].startswith("pedagrad loads data in the main process: "
                                                   "num_workers=4 starts no worker processes. The "
                                                   "batches and their order are the same")
    _, later = _caught(lambda: [DataLoader(ds, batch_size=5, num_workers=2),
                                DataLoader(ds, batch_size=5, num_workers=0, pin_memory=False)])
    assert later == []  # warned once already
    assert _labels(loader) == list(range(12))


def test_the_worker_warning_for_an_iterable_dataset_says_it_is_read_once(fresh_worker_warning):
    _, caught = _caught(lambda: DataLoader(Stream(pg, 4), num_workers=2))
    assert len(caught) == 1 and "An IterableDataset is read once, as by a single worker" in caught[0]


def test_a_dataset_without_len_gets_a_clear_error():
    class NoLen(Dataset):
        def __getitem__(self, i):
            return i

    with pytest.raises(TypeError, match="NoLen defines no __len__"):
        DataLoader(NoLen(), batch_size=2)


def test_a_batch_sampler_needs_no_len_of_the_dataset(torch):
    """As torch: the batch sampler alone says which samples to read, and how many batches there are."""
    def batches(lib):
        class NoLen(lib.utils.data.Dataset):
            def __getitem__(self, i):
                return lib.tensor([float(i)])

        loader = lib.utils.data.DataLoader(NoLen(), batch_sampler=[[3, 1], [0]])
        return len(loader), [b.tolist() for b in loader]

    assert batches(pg) == batches(torch) == (2, [[[3.0], [1.0]], [[0.0]]])


# -- IterableDataset: a stream of samples, compared with PyTorch ----------------------------------


def Stream(lib, n, length=None, sample=lambda lib, i: lib.tensor([float(i), -i])):
    """An IterableDataset of ``lib`` yielding n samples (reporting ``length`` as its len, if given)."""
    data = lib.utils.data

    class Stream(data.IterableDataset):
        def __init__(self):
            self.epochs = 0

        def __iter__(self):
            self.epochs += 1
            return (sample(lib, i) for i in range(n))

    if length is None:
        return Stream()

    class SizedStream(Stream):
        def __len__(self):
            return length

    return SizedStream()


def _both(torch, make):
    """``make(lib)`` with pedagrad and with torch, each as comparable plain values or an error."""
    def run(lib):
        try:
            return _as_plain(make(lib))
        except Exception as e:  # noqa: BLE001  (compared)
            return (type(e), str(e).replace("torch.utils.data", "pedagrad.utils.data"))

    return run(pg), run(torch)


@pytest.mark.parametrize("make", [
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 5), batch_size=2)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 5), batch_size=2, drop_last=True)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 4), batch_size=2, drop_last=True)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 3))),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 3), batch_size=None)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 0), batch_size=2)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 3), batch_size=7, shuffle=False)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 5, sample=lambda lib, i: {"x": i, "y": [i * 0.5]}),
                                               batch_size=3)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 3, sample=lambda lib, i: np.arange(i, i + 2)),
                                               batch_size=None)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 4), batch_size=3, collate_fn=len)),
    lambda lib: list(lib.utils.data.DataLoader(Stream(lib, 3) + Stream(lib, 2), batch_size=2)),
    lambda lib: len(lib.utils.data.DataLoader(Stream(lib, 5), batch_size=2)),
    lambda lib: len(lib.utils.data.DataLoader(Stream(lib, 5, length=5), batch_size=2)),
    lambda lib: len(lib.utils.data.DataLoader(Stream(lib, 5, length=5), batch_size=2, drop_last=True)),
    lambda lib: len(lib.utils.data.DataLoader(Stream(lib, 5, length=5), batch_size=None)),
    lambda lib: len(Stream(lib, 3, length=3) + Stream(lib, 2, length=2)),
    lambda lib: len(Stream(lib, 3) + Stream(lib, 2, length=2)),
    lambda lib: lib.utils.data.DataLoader(Stream(lib, 5), shuffle=True),
    lambda lib: lib.utils.data.DataLoader(Stream(lib, 5), batch_size=2, shuffle="yes"),
    lambda lib: lib.utils.data.DataLoader(Stream(lib, 5), sampler=[0, 1]),
    lambda lib: lib.utils.data.DataLoader(Stream(lib, 5), batch_sampler=[[0, 1]]),
    lambda lib: lib.utils.data.ConcatDataset([Stream(lib, 3)]),
    lambda lib: Stream(lib, 3)[0],
    lambda lib: list(lib.utils.data.ChainDataset([Stream(lib, 1), lib.utils.data.TensorDataset(lib.ones(2))])),
    lambda lib: type("NoIter", (lib.utils.data.IterableDataset,), {})(),
    lambda lib: lib.utils.data.get_worker_info(),
], ids=["batches", "drop_last", "drop_last-exact", "batch_size-1", "batch_size-None", "empty",
        "batch-larger-than-stream", "dict-samples", "numpy-samples-converted", "collate_fn", "chained",
        "len-without-__len__", "len", "len-drop_last", "len-batch_size-None", "chain-len",
        "chain-len-without-__len__", "shuffle", "shuffle-truthy", "sampler", "batch_sampler",
        "concat-refuses", "no-__getitem__", "chain-of-a-map-dataset", "no-__iter__", "get_worker_info"])
def test_an_iterable_dataset_loads_as_in_torch(torch, make):
    got, expected = _both(torch, make)
    assert got == expected


def test_each_epoch_iterates_the_stream_again():
    stream = Stream(pg, 3)
    loader = DataLoader(stream, batch_size=2)
    first, second = _as_plain(list(loader)), _as_plain(list(loader))
    assert first == second and len(first[1]) == 2 and stream.epochs == 2


def test_a_stream_longer_than_its_reported_len_warns_as_torch(torch):
    """torch compares the batches fetched with len(dataset), once len(loader) was asked for."""
    def run(lib):
        loader = lib.utils.data.DataLoader(Stream(lib, 5, length=2), batch_size=None)
        quiet = _caught(lambda: list(loader))[1]  # len() never asked: no warning
        n = len(loader)
        batches, caught = _caught(lambda: list(loader))
        return n, len(batches), quiet, [m.split(" was reported")[1] for m in caught]

    assert run(pg) == run(torch)
    assert run(pg)[3][0] == " to be 2(when accessing len(dataloader)), but 3 samples have been fetched. "


# -- collation, compared with PyTorch -------------------------------------------------------------


def _as_plain(batch):
    """A batch as nested Python values, tensors as (dtype name, values), for comparing with torch."""
    if hasattr(batch, "dtype") and hasattr(batch, "tolist"):
        return (str(batch.dtype).replace("torch.", ""), batch.tolist())
    if isinstance(batch, dict):
        return {k: _as_plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [_as_plain(v) for v in batch])
    return batch


@pytest.mark.parametrize("make_samples", [
    lambda T: [(T.tensor([1.0, 2.0]), 1), (T.tensor([3.0, 4.0]), 0)],
    lambda T: [{"x": 1.5, "y": 2, "name": "a"}, {"x": 2.5, "y": 3, "name": "b"}],
    lambda T: [np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)],
    lambda T: [[np.float32(1.0), True], [np.float32(2.0), False]],
    lambda T: [(T.tensor(1), (2, 3.0)), (T.tensor(4), (5, 6.0))],
])
def test_default_collate_matches_torch(torch, make_samples):
    import torch.utils.data as tdata

    assert _as_plain(default_collate(make_samples(pg))) == _as_plain(
        tdata.default_collate(make_samples(torch)))


def test_default_collate_keeps_namedtuples_and_ordered_dicts():
    Point = collections.namedtuple("Point", "x y")
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype is pg.float64
    od = default_collate([collections.OrderedDict(a=1), collections.OrderedDict(a=2)])
    assert isinstance(od, collections.OrderedDict) and od["a"].tolist() == [1, 2]


def test_default_collate_rejects_what_it_cannot_batch():
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers, dicts or lists"):
        default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])


# -- samplers ---------------------------------------------------------------------------------------


def test_random_sampler_with_replacement_and_num_samples():
    pg.manual_seed(0)
    drawn = list(RandomSampler(range(5), replacement=True, num_samples=200))
    assert len(drawn) == 200 and set(drawn) == set(range(5))
    more = list(RandomSampler(range(4), num_samples=6))  # a whole permutation, then part of another
    assert len(more) == 6 and sorted(more[:4]) == [0, 1, 2, 3]


def test_weighted_sampler_draws_in_proportion_to_the_weights():
    pg.manual_seed(0)
    counts = np.bincount(list(WeightedRandomSampler([1, 0, 3], 4000)), minlength=3)
    assert counts[1] == 0 and abs(counts[2] / counts[0] - 3) < 0.3


def test_batch_sampler_groups_indices():
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, drop_last=True)) == 2
    loader = DataLoader(TensorDataset(*_xy(5)), batch_sampler=BatchSampler(range(5), 3, False))
    assert [y.tolist() for _, y in loader] == [[0, 1, 2], [3, 4]]
