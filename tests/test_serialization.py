"""pedagrad.save / pedagrad.load: round trips, the file format, safety, atomic writes, bad files."""
import collections
import io
import json
import math
import os
import pathlib
import pickle
import stat
import sys
import tracemalloc
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
    if isinstance(a, (set, frozenset)):  # in any order; nan is not equal to itself, so no `in`
        return len(a) == len(b) and all(any(same(x, y) for y in b) for x in a)
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
    {(0, "a"): 1, (): 2, ((1, 2), None): 3, frozenset({1, 2}): 4}, {1, "a", None, (2, 3), 2.5}, set(),
    frozenset({"x", (1,)}), {"tags": {"a", "b"}, "seen": frozenset({(0, 1)})},
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


scalar_keys = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
keys = scalar_keys | st.lists(scalar_keys, max_size=2).map(tuple) | st.frozensets(scalar_keys, max_size=2)
tensors = st.builds(
    lambda a, grad: pg.Tensor._wrap(a, requires_grad=grad and a.dtype.kind == "f"),
    hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_]),
               hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)),
    st.booleans())
leaves = keys | tensors | st.sampled_from([pg.float32, pg.int64, pg.Size([1, 2])])
nested = st.recursive(leaves, lambda children: (
    st.lists(children, max_size=4) | st.lists(children, max_size=4).map(tuple)
    | st.dictionaries(keys, children, max_size=4)
    | st.dictionaries(keys, children, max_size=4).map(lambda d: collections.OrderedDict(d))
    | st.sets(keys, max_size=4)),
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


@pytest.mark.parametrize("where", [
    "cpu", "cpu:0", {"cuda:0": "cpu"}, {"cpu": "cpu"}, {"cpu": pg.device("cpu")}, {},
    lambda storage, loc: storage, lambda storage, loc: None, lambda storage, loc: storage.cpu(),
    lambda storage, loc: storage.to("cpu"),
], ids=["str", "str-index", "dict-cuda-to-cpu", "dict-cpu", "dict-device", "dict-empty", "identity",
        "none", "cpu()", "to-cpu"])
def test_map_location_as_torch_takes_it_for_the_cpu(tmp_path, where):
    obj = {"w": pg.ones(2), "p": pg.nn.Parameter(pg.zeros(1)), "again": None}
    obj["again"] = obj["w"]
    pg.save(obj, tmp_path / "a.pt")
    loaded = pg.load(tmp_path / "a.pt", map_location=where)
    assert same(loaded, obj) and loaded["again"] is loaded["w"]


def test_map_location_works_the_same_in_torch(torch, tmp_path):
    """The learner's line runs unchanged on both libraries."""
    for lib in (pg, torch):
        lib.save({"w": lib.ones(2)}, tmp_path / "m.pt")
        for where in ("cpu", {"cuda:0": "cpu"}, lambda storage, loc: storage):
            assert lib.load(tmp_path / "m.pt", map_location=where)["w"].tolist() == [1.0, 1.0]


def test_a_map_location_function_is_called_once_per_tensor_with_the_cpu_location(tmp_path):
    w = pg.ones(3)
    pg.save([w, w, pg.zeros(2)], tmp_path / "a.pt")
    calls = []
    pg.load(tmp_path / "a.pt", map_location=lambda storage, loc: calls.append((storage.nbytes(), loc)))
    assert calls == [(12, "cpu"), (8, "cpu")]
    pg.save(Net(), tmp_path / "net.pt")  # tensors inside a pickled object too
    calls.clear()
    pg.load(tmp_path / "net.pt", map_location=lambda storage, loc: calls.append(loc), weights_only=False)
    assert calls == ["cpu"]


@pytest.mark.parametrize("where, error, message", [
    ("cuda", RuntimeError, r"CPU only, so map_location must be None.*not 'cuda' \(map_location is 'cuda'\)"),
    ("mps", RuntimeError, "CPU only.*not 'mps'"),
    ({"cpu": "cuda:0"}, RuntimeError, r"not 'cuda:0' \(map_location maps 'cpu' to 'cuda:0'\)"),
    (lambda storage, loc: storage.cuda(), RuntimeError, "device 'cuda' is not available"),
    (lambda storage, loc: storage.to("cuda:1"), RuntimeError, "device 'cuda:1' is not available"),
    (lambda storage, loc: 5, TypeError, "map_location function returned int; it must return the storage"),
    (5, TypeError, "map_location should be a string such as 'cpu'.*not int"),
], ids=["cuda", "mps", "dict-to-cuda", "storage.cuda()", "storage.to-cuda", "returns-int", "int"])
def test_map_locations_that_leave_the_cpu_are_refused_clearly(tmp_path, where, error, message):
    pg.save({"w": pg.ones(2)}, tmp_path / "a.pt")
    with pytest.raises(error, match=message):
        pg.load(tmp_path / "a.pt", map_location=where)


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


def test_a_set_element_or_key_that_is_not_plain_data_goes_to_pickle_and_is_named(tmp_path):
    pg.save({"s": {1, np.float64(0.5)}}, tmp_path / "s.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"entry obj\['s'\] \(an element\) is a numpy.float64"):
        pg.load(tmp_path / "s.pt")
    pg.save({(1, pg.float32): 0}, tmp_path / "k.pt")
    with pytest.raises(pickle.UnpicklingError, match=r"entry obj \(a key\) is a tuple"):
        pg.load(tmp_path / "k.pt")
    assert pg.load(tmp_path / "s.pt", weights_only=False) == {"s": {1, 0.5}}


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


def test_saving_to_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "model-v3.pt"
    pg.save({"v": 3}, target)
    link = tmp_path / "latest.pt"
    link.symlink_to(target)
    pg.save({"v": 4}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert pg.load(target) == {"v": 4} and sorted(os.listdir(tmp_path)) == ["latest.pt", "runs"]
    assert os.listdir(tmp_path / "runs") == ["model-v3.pt"]  # no temporary file left


def test_saving_to_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "latest.pt"
    link.symlink_to(tmp_path / "new.pt")
    pg.save([1], link)
    assert link.is_symlink() and pg.load(tmp_path / "new.pt") == [1]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_a_replaced_file_keeps_its_permission_bits(tmp_path, mode):
    path = tmp_path / "private.pt"
    pg.save({"w": pg.ones(1)}, path)
    os.chmod(path, mode)
    pg.save({"w": pg.zeros(1)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode and same(pg.load(path), {"w": pg.zeros(1)})


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        pg.save({}, tmp_path / "new.pt")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "new.pt").st_mode) == 0o644


def test_a_read_only_file_is_not_replaced(tmp_path, monkeypatch):
    path = tmp_path / "frozen.pt"
    pg.save([1], path)
    before = path.read_bytes()
    monkeypatch.setattr(serialization.os, "access", lambda p, m: False)  # as for a user who isn't root
    with pytest.raises(PermissionError, match="frozen.pt"):
        pg.save([2], path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["frozen.pt"]


def test_saving_onto_a_directory_says_so(tmp_path):
    (tmp_path / "model.pt").mkdir()
    with pytest.raises(IsADirectoryError):
        pg.save([1], tmp_path / "model.pt")
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


# -- crafted files: whatever a file claims, load takes no more memory than the file's own size ---


def _header(obj_node):
    return json.dumps({"format": "pedagrad", "version": 1, "object": obj_node})


def _tensor_node(dtype, shape, entry="tensors/0.npy"):
    return {"type": "tensor", "entry": entry, "dtype": dtype, "shape": list(shape), "requires_grad": False}


def _npy(descr, shape, data=b"", fortran=False, version=(1, 0)):
    out = io.BytesIO()
    header = {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)}
    write = np.lib.format.write_array_header_1_0 if version == (1, 0) else np.lib.format.write_array_header_2_0
    write(out, header)
    return out.getvalue() + data


def _load_peak(path):
    """What load raises or returns, and the most memory it held meanwhile (numpy's included)."""
    tracemalloc.start()
    try:
        try:
            result = pg.load(path)
        except Exception as e:  # noqa: BLE001  (returned for the test to check)
            result = e
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
@pytest.mark.parametrize("entry", ["pedagrad.json", "tensors/0.npy"])
def test_a_compressed_entry_is_refused_before_it_is_expanded(tmp_path, method, entry):
    """A compressed entry of a few kilobytes can unpack into gigabytes: only stored ones load."""
    buffer = io.BytesIO()
    pg.save({"w": pg.zeros(1000)}, buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp_path / "bomb.pt", "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info), compress_type=method if info.filename == entry
                         else zipfile.ZIP_STORED)
    result, _ = _load_peak(tmp_path / "bomb.pt")
    name = {zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}[method]
    assert isinstance(result, RuntimeError)
    assert f"bomb.pt can't be loaded: its entry '{entry}' is compressed ({name})" in str(result)
    assert "save it again with pedagrad.save" in str(result)


def test_what_save_writes_is_stored_uncompressed(tmp_path):
    pg.save({"w": pg.zeros(10), "model": Net()}, tmp_path / "m.pt")
    with zipfile.ZipFile(tmp_path / "m.pt") as zf:
        assert {info.compress_type for info in zf.infolist()} == {zipfile.ZIP_STORED}


def test_a_npy_header_claiming_a_huge_shape_is_refused_before_allocating(tmp_path):
    shape = (50_000_000,)  # 200 MB of float32 claimed; 4 bytes there
    (tmp_path / "claim.pt").write_bytes(_zip({
        "pedagrad.json": _header(_tensor_node("float32", shape)),
        "tensors/0.npy": _npy("<f4", shape, b"\0" * 4)}))
    result, peak = _load_peak(tmp_path / "claim.pt")
    assert isinstance(result, RuntimeError) and peak < 2 ** 20
    assert ("claim.pt is a truncated or corrupted pedagrad file: tensor entry tensors/0.npy should hold "
            "200000000 bytes of float32 data of shape (50000000,), but holds 4") in str(result)


@pytest.mark.parametrize("npy, message", [
    (_npy("<f4", (2,), b"\0" * 12), "should hold 8 bytes of float32 data of shape \\(2,\\), but holds 12"),
    (_npy("<f4", (3,), b"\0" * 12), "holds float32 data of shape \\(3,\\), but the structure says float32 "
                                    "of shape \\(2,\\)"),
    (_npy(">f4", (2,), b"\0" * 8), "holds >f4 data"),
    (_npy("|O", (2,), b"\0" * 16), "holds object data"),
    (b"not a npy file at all", "tensors/0.npy has no valid .npy header"),
    (_npy("<f4", (2,), b"\0" * 8)[:20], "tensors/0.npy has no valid .npy header"),
], ids=["extra-bytes", "other-shape", "big-endian", "object", "no-magic", "cut-header"])
def test_a_npy_entry_that_disagrees_with_itself_or_the_structure_is_named(tmp_path, npy, message):
    (tmp_path / "bad.pt").write_bytes(_zip({"pedagrad.json": _header(_tensor_node("float32", (2,))),
                                            "tensors/0.npy": npy}))
    with pytest.raises(RuntimeError, match=f"bad.pt is a truncated or corrupted pedagrad file: .*{message}"):
        pg.load(tmp_path / "bad.pt")


@pytest.mark.parametrize("version", [(1, 0), (2, 0)])
def test_npy_versions_and_fortran_order_load_as_numpy_writes_them(tmp_path, version):
    a = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    (tmp_path / "f.pt").write_bytes(_zip({
        "pedagrad.json": _header(_tensor_node("float32", (2, 3))),
        "tensors/0.npy": _npy("<f4", (2, 3), a.tobytes(order="F"), fortran=True, version=version)}))
    assert pg.load(tmp_path / "f.pt").tolist() == a.tolist()


def _patch_central_size(data, entry, new_size):
    """The zip bytes with the central directory claiming ``new_size`` bytes for ``entry``."""
    data = bytearray(data)
    start = data.index(b"PK\x01\x02")
    while True:
        name_length = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + name_length] == entry.encode():
            break
        start = data.index(b"PK\x01\x02", start + 4)
    data[start + 20:start + 28] = new_size.to_bytes(4, "little") * 2
    return bytes(data)


@pytest.mark.parametrize("entry", ["tensors/0.npy", "pedagrad.json"])
def test_an_entry_claiming_more_bytes_than_the_file_holds_is_refused(tmp_path, entry):
    """As in overlapping-entry zip bombs, where one entry's data runs over the next entries."""
    data = _saved_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        size = zf.getinfo(entry).file_size
    (tmp_path / "lies.pt").write_bytes(_patch_central_size(data, entry, size + 200))
    result, peak = _load_peak(tmp_path / "lies.pt")
    assert isinstance(result, RuntimeError) and peak < 2 ** 20
    assert (f"lies.pt is a truncated or corrupted pedagrad file: its entry '{entry}' claims "
            f"{size + 200} bytes, more than the file holds in its place") in str(result)


def test_a_structure_larger_than_the_limit_is_refused_on_load_and_on_save(tmp_path, monkeypatch):
    pg.save(list(range(1000)), tmp_path / "long.pt")
    monkeypatch.setattr(serialization, "MAX_STRUCTURE_BYTES", 1000)
    with pytest.raises(RuntimeError, match=r"long.pt can't be loaded: its structure \(the entry "
                                           r"'pedagrad.json'\) is \d+ bytes, more than the 1000 bytes"):
        pg.load(tmp_path / "long.pt")
    with pytest.raises(ValueError, match="more than the 1000 bytes pedagrad.load reads.*into tensors"):
        pg.save(list(range(1000)), tmp_path / "new.pt")
    assert os.listdir(tmp_path) == ["long.pt"]
    monkeypatch.setattr(serialization, "MAX_STRUCTURE_BYTES", 10 ** 6)  # the limit can be raised
    assert pg.load(tmp_path / "long.pt") == list(range(1000))


def test_one_entry_described_twice_differently_is_refused(tmp_path):
    nodes = [_tensor_node("float32", (2,)), _tensor_node("float32", (2,)) | {"requires_grad": True}]
    (tmp_path / "twice.pt").write_bytes(_zip({
        "pedagrad.json": _header(nodes), "tensors/0.npy": _npy("<f4", (2,), b"\0" * 8)}))
    with pytest.raises(RuntimeError, match="twice.pt is a truncated.*tensor entry tensors/0.npy is "
                                           "described twice, differently"):
        pg.load(tmp_path / "twice.pt")


@pytest.mark.parametrize("node", [
    {"type": "set", "items": [[1, 2]]},
    {"type": "dict", "items": [[{"type": "set", "items": []}, 1]]},
    {"type": "frozenset", "items": [_tensor_node("float32", (2,))]},
], ids=["list-in-set", "set-as-key", "tensor-in-frozenset"])
def test_unhashable_keys_and_set_elements_in_a_structure_are_refused(tmp_path, node):
    (tmp_path / "odd.pt").write_bytes(_zip({
        "pedagrad.json": _header(node), "tensors/0.npy": _npy("<f4", (2,), b"\0" * 8)}))
    with pytest.raises(RuntimeError, match="odd.pt is a truncated or corrupted pedagrad file: a dict "
                                           "key or set element is a"):
        pg.load(tmp_path / "odd.pt")


def test_a_torch_save_file_is_recognised(torch, tmp_path):
    torch.save({"w": torch.ones(2)}, tmp_path / "from_torch.pt")
    with pytest.raises(RuntimeError, match="from_torch.pt is not a pedagrad file: it was written by "
                                           "PyTorch's torch.save. Load it with torch.load"):
        pg.load(tmp_path / "from_torch.pt")
