"""pedagrad.save / pedagrad.load: round trips, the file format, safety, atomic writes, bad files."""
import collections
import io
import json
import math
import os
import pathlib
import pickle
import sys
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pedagrad as pg
from pedagrad import serialization


def same(a, b):
    """Equal values of exactly the same types, all the way down (nan equals nan, -0.0 != 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, pg.Tensor):
        return (a.dtype is b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
                and np.array_equal(a._data, b._data, equal_nan=a.is_floating_point()))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(same(ka, kb) and same(va, vb)
                                        for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def round_trip(obj, **load_args):
    buffer = io.BytesIO()
    pg.save(obj, buffer)
    buffer.seek(0)
    return pg.load(buffer, **load_args)


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("obj", [
    None, True, False, 0, -7, 2 ** 53, -2 ** 53 - 1, 2 ** 200, 10 ** 5000, 1.5, -0.0, 1e-310,
    float("nan"), float("inf"), float("-inf"), "", "héllo ✓ \n\"quoted\"", [], (), {},
    [1, "a", None], (1, (2, (3,))), {"a": 1, "b": [2.0]}, collections.OrderedDict([("z", 1), ("a", 2)]),
    {0: "int key", 1.5: "float key", True: "bool key", None: "None key", "s": "str key"},
    pg.float64, pg.int64, pg.bool, pg.Size([2, 3]), pg.device("cpu"),
], ids=lambda v: type(v).__name__)
def test_every_supported_value_comes_back_as_it_was(obj):
    assert same(round_trip(obj), obj)


@pytest.mark.parametrize("dtype", [pg.float32, pg.float64, pg.int64, pg.int32, pg.uint8, pg.bool])
def test_tensors_keep_dtype_shape_and_values(dtype):
    t = pg.tensor(np.array([[1, 0, 3], [4, 5, 0]]).astype(dtype.np))
    for x in (t, t[0, 1], t[:, :0], t.t()):
        back = round_trip(x)
        assert same(back, x) and back.is_leaf


def test_requires_grad_is_kept_and_the_loaded_tensor_is_a_fresh_leaf():
    w = pg.randn(3, 2, requires_grad=True)
    loaded = round_trip({"w": w, "y": w * 2, "n": w.detach()})
    assert loaded["w"].requires_grad and loaded["w"].is_leaf and loaded["w"].grad is None
    assert loaded["y"].requires_grad and loaded["y"].is_leaf  # as torch: saved without its graph
    assert not loaded["n"].requires_grad
    loaded["w"].sum().backward()
    assert loaded["w"].grad.tolist() == [[1.0, 1.0]] * 3


def test_a_tensor_saved_twice_loads_as_one_tensor():
    w = pg.ones(2)
    tied = round_trip({"encoder": w, "decoder": w, "other": pg.ones(2)})
    assert tied["encoder"] is tied["decoder"] and tied["other"] is not tied["encoder"]


def test_a_training_checkpoint_with_an_optimizer_state_dict_round_trips(tmp_path):
    model_state = collections.OrderedDict([("fc.weight", pg.randn(4, 3)), ("fc.bias", pg.zeros(4))])
    optimizer_state = {
        "state": {0: {"step": pg.tensor(10.0), "exp_avg": pg.randn(4, 3)}, 1: {"step": pg.tensor(10.0)}},
        "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0,
                          "amsgrad": False, "foreach": None, "params": [0, 1]}],
    }
    checkpoint = {"epoch": 5, "model_state_dict": model_state, "optimizer_state_dict": optimizer_state,
                  "loss": 0.123, "rng_state": pg.get_rng_state(), "history": [0.9, 0.5, float("nan")]}
    path = tmp_path / "checkpoint.pt"
    pg.save(checkpoint, path)
    loaded = pg.load(path)
    assert same(loaded, checkpoint)
    assert list(loaded["optimizer_state_dict"]["state"]) == [0, 1]  # int keys stay ints
    assert type(loaded["model_state_dict"]) is collections.OrderedDict


def test_a_saved_generator_state_restarts_the_same_random_numbers(tmp_path):
    g = pg.Generator().manual_seed(123)
    pg.rand(5, generator=g)
    pg.save(g.get_state(), tmp_path / "rng.pt")
    expected = pg.rand(3, generator=g)
    fresh = pg.Generator()
    fresh.set_state(pg.load(tmp_path / "rng.pt"))
    assert pg.equal(pg.rand(3, generator=fresh), expected)


def test_a_parameter_loads_as_a_parameter():
    nn = pytest.importorskip("pedagrad.nn", reason="pedagrad.nn is not written yet")
    p = nn.Parameter(pg.randn(2, 2))
    back = round_trip({"p": p})["p"]
    assert type(back) is nn.Parameter and back.requires_grad and pg.equal(back.detach(), p.detach())


keys = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
tensors = st.builds(
    lambda a, grad: pg.Tensor._wrap(a, requires_grad=grad and a.dtype.kind == "f"),
    hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_]),
               hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)),
    st.booleans())
leaves = keys | tensors | st.sampled_from([pg.float32, pg.int64, pg.Size([1, 2])])
nested = st.recursive(leaves, lambda children: (
    st.lists(children, max_size=4) | st.lists(children, max_size=4).map(tuple)
    | st.dictionaries(keys, children, max_size=4)
    | st.dictionaries(keys, children, max_size=4).map(lambda d: collections.OrderedDict(d))),
    max_leaves=20)


@given(nested)
def test_nested_structures_round_trip(obj):
    assert same(round_trip(obj), obj)


# -- the file format -----------------------------------------------------------------------------


def test_the_file_is_a_zip_of_json_and_npy_entries_that_numpy_reads_without_pickle(tmp_path):
    pg.save({"w": pg.arange(6.0).reshape(2, 3), "step": 3}, tmp_path / "m.pt")
    with zipfile.ZipFile(tmp_path / "m.pt") as zf:
        header = json.loads(zf.read("pedagrad.json"))
        assert header["format"] == "pedagrad" and header["version"] == serialization.FORMAT_VERSION
        entry = header["object"]["items"][0][1]["entry"]
        with zf.open(entry) as f:
            assert np.load(f, allow_pickle=False).tolist() == [[0, 1, 2], [3, 4, 5]]
        assert zf.namelist()[0] == "pedagrad.json" and not any(n.endswith(".pkl") for n in zf.namelist())


def test_files_and_file_objects_and_cpu_map_locations_all_load(tmp_path):
    obj = {"w": pg.ones(2)}
    pg.save(obj, str(tmp_path / "a.pt"))
    with open(tmp_path / "a.pt", "rb") as f:
        assert same(pg.load(f), obj)
    for where in (None, "cpu", pg.device("cpu")):
        assert same(pg.load(tmp_path / "a.pt", map_location=where), obj)
    with pytest.raises(RuntimeError, match="CPU only, so map_location must be None, 'cpu'.*not 'cuda:0'"):
        pg.load(tmp_path / "a.pt", map_location="cuda:0")
    with open(tmp_path / "a.pt") as text_file, pytest.raises(RuntimeError, match="binary mode"):
        pg.load(text_file)


# -- objects that need pickle ----------------------------------------------------------------------


class Net:
    """A user's model class: a whole object, not a state dict."""

    def __init__(self):
        self.weight = pg.randn(3, 2, requires_grad=True)
        self.name = "net"


class Vanishing:
    """A class that the test deletes before loading, as when a notebook is restarted."""


class Touch:
    """A malicious payload: unpickling it creates a file (it could as well delete your files)."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.target),)


class Explodes:
    """An object whose pickling fails, as in a save that dies halfway through."""

    def __reduce__(self):
        raise RuntimeError("boom while pickling")


def test_a_whole_model_object_is_refused_by_default_with_a_plain_explanation(tmp_path):
    pg.save(Net(), tmp_path / "model.pt")
    with pytest.raises(pickle.UnpicklingError) as error:
        pg.load(tmp_path / "model.pt")
    message = str(error.value)
    assert "model.pt holds a pickled Python object (an object of type test_serialization.Net)" in message
    assert "run code from the file" in message and "weights_only=False" in message
    assert "model.state_dict()" in message and "freshly created model" in message


def test_weights_only_false_unpickles_an_object_of_a_class_in_this_module(tmp_path):
    net = Net()
    pg.save(net, tmp_path / "model.pt")
    back = pg.load(tmp_path / "model.pt", weights_only=False)
    assert type(back) is Net and back.name == "net" and same(back.weight, net.weight)


def test_a_value_pickle_would_need_is_named_with_where_it_is(tmp_path):
    pg.save({"w": pg.ones(1), "extra": {"mean": np.float64(0.5)}}, tmp_path / "c.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"a dict whose entry obj\['extra'\]\['mean'\] is "
                                                     r"a numpy.float64.*convert that entry"):
        pg.load(tmp_path / "c.pt")
    assert pg.load(tmp_path / "c.pt", weights_only=False)["extra"]["mean"] == 0.5


def test_a_missing_class_is_named_with_what_to_do(tmp_path, monkeypatch):
    pg.save(Vanishing(), tmp_path / "v.pt")
    monkeypatch.delattr(sys.modules[__name__], "Vanishing")
    with pytest.raises(AttributeError, match=r"class test_serialization.Vanishing must be defined or "
                                             r"imported before loading.*from test_serialization import"):
        pg.load(tmp_path / "v.pt", weights_only=False)


def test_a_malicious_pickle_does_not_run_when_loaded_with_the_defaults(tmp_path):
    target = tmp_path / "pwned"
    pg.save({"innocent": pg.ones(1), "payload": Touch(target)}, tmp_path / "evil.pt")
    assert not target.exists()
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        pg.load(tmp_path / "evil.pt")
    assert not target.exists()


def test_a_pickle_hidden_in_a_tensor_entry_does_not_run_either(tmp_path):
    target = tmp_path / "pwned"
    payload = io.BytesIO()
    np.save(payload, np.array([Touch(target)], dtype=object), allow_pickle=True)
    header = {"format": "pedagrad", "version": 1, "object": {
        "type": "tensor", "entry": "tensors/0.npy", "dtype": "float32", "shape": [1], "requires_grad": False}}
    with zipfile.ZipFile(tmp_path / "evil.pt", "w") as zf:
        zf.writestr("pedagrad.json", json.dumps(header))
        zf.writestr("tensors/0.npy", payload.getvalue())
    for weights_only in (True, False):
        with pytest.raises(RuntimeError, match="evil.pt is a truncated or corrupted pedagrad file"):
            pg.load(tmp_path / "evil.pt", weights_only=weights_only)
    assert not target.exists()


# -- atomic writes ---------------------------------------------------------------------------------


def test_a_save_that_fails_midway_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "model.pt"
    pg.save({"w": pg.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom while pickling"):
        pg.save({"w": pg.zeros(100_000), "bad": Explodes()}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.pt"]
    assert same(pg.load(path), {"w": pg.ones(3)})


def test_a_disk_error_while_writing_tensors_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    pg.save([pg.ones(2)], path)
    before = path.read_bytes()
    real_save, calls = np.save, []

    def failing_save(file, array, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_save(file, array, **kwargs)

    monkeypatch.setattr(serialization.np, "save", failing_save)
    with pytest.raises(OSError, match="No space left"):
        pg.save([pg.zeros(2), pg.zeros(2)], path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.pt"]
    calls.clear()
    with pytest.raises(OSError):
        pg.save([pg.zeros(2), pg.zeros(2)], tmp_path / "new.pt")
    assert os.listdir(tmp_path) == ["model.pt"]


def test_saving_into_a_missing_directory_says_so(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .*nowhere does not exist"):
        pg.save({}, tmp_path / "nowhere" / "m.pt")


# -- files that are not readable pedagrad files ----------------------------------------------------


def test_a_missing_file_is_a_file_not_found_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such_model.pt"):
        pg.load(tmp_path / "no_such_model.pt")


def _saved_bytes():
    buffer = io.BytesIO()
    pg.save({"w": pg.arange(1000.0), "b": pg.zeros(10)}, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.5, 0.99, -1])
def test_a_truncated_file_is_reported_as_truncated(tmp_path, keep):
    data = _saved_bytes()
    cut = len(data) - 1 if keep == -1 else max(1, int(len(data) * keep))
    (tmp_path / "cut.pt").write_bytes(data[:cut])
    with pytest.raises(RuntimeError, match="cut.pt is a truncated or corrupted pedagrad file"):
        pg.load(tmp_path / "cut.pt")


def test_a_damaged_byte_in_tensor_data_is_caught(tmp_path):
    data = bytearray(_saved_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "bad.pt").write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="bad.pt is a truncated or corrupted pedagrad file.*CRC"):
        pg.load(tmp_path / "bad.pt")


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("content, message", [
    (b"", r"empty \(0 bytes\)"),
    (bytes(np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8)), "not a pedagrad file"),
    (b"epoch,loss\n1,0.5\n", ("not a pedagrad file: pedagrad.save writes zip archives, but this "
                              "file starts with b'epoch,loss")),
    (pickle.dumps({"w": [1.0]}), "not a pedagrad file: it is a Python pickle"),
    (_zip({"weights.bin": b"\x00" * 8}), "zip archive without a pedagrad.json"),
    (_zip({"pedagrad.json": "{not json"}), "truncated or corrupted.*pedagrad.json can't be read"),
    (_zip({"pedagrad.json": '{"format": "keras"}'}), "not a pedagrad file"),
    (_zip({"pedagrad.json": '{"format": "pedagrad", "version": 99, "object": 1}'}),
     "newer pedagrad \\(file format version 99\\).*up to 1"),
    (_zip({"pedagrad.json": '{"format": "pedagrad", "version": 1, "object": {"type": "tensor", '
                            '"entry": "tensors/0.npy", "dtype": "float32", "shape": [1], '
                            '"requires_grad": false}}'}), "truncated or corrupted.*tensors/0.npy"),
    (_zip({"pedagrad.json": '{"format": "pedagrad", "version": 1, "object": {"type": "module"}}'}),
     "truncated or corrupted.*can't read"),
], ids=["empty", "random", "text", "pickle", "other-zip", "bad-json", "other-json", "future-version",
        "missing-entry", "unknown-node"])
def test_foreign_and_damaged_files_get_a_runtime_error_saying_what_is_wrong(tmp_path, content, message):
    (tmp_path / "thing.pt").write_bytes(content)
    with pytest.raises(RuntimeError, match=f"thing.pt (is|was) .*{message}"):
        pg.load(tmp_path / "thing.pt")


def test_a_torch_save_file_is_recognised(torch, tmp_path):
    torch.save({"w": torch.ones(2)}, tmp_path / "from_torch.pt")
    with pytest.raises(RuntimeError, match="from_torch.pt is not a pedagrad file: it was written by "
                                           "PyTorch's torch.save. Load it with torch.load"):
        pg.load(tmp_path / "from_torch.pt")
