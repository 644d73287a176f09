"""Saving and loading: ``save(obj, f)`` and ``load(f)``, as ``torch.save`` / ``torch.load``.

A file is a zip archive of stored (uncompressed) entries. Its entry ``pedagrad.json`` holds a
format version and the object's structure as JSON; each tensor's data is one ``.npy`` entry beside
it. Loading such a file only parses JSON and reads numpy arrays, so it can never run code from the
file; and since every size is checked against the bytes really in the file before anything is
allocated, a small file can't make ``load`` take much memory either.

An object that is not made of tensors, numbers, strings, lists, tuples, dicts and sets (a whole
model, say) is stored as a pickle entry instead. Unpickling runs code named by the file, so ``load``
refuses it unless called with ``weights_only=False``.
"""
import collections
import errno
import json
import math
import os
import pickle
import secrets
import stat
import sys
import zipfile
from pathlib import Path

import numpy as np

from . import _dtype
from ._device import device as _device
from ._size import Size
from ._tensor import Tensor

FORMAT_VERSION = 1
_HEADER = "pedagrad.json"
_PICKLE_ENTRY = "object.pkl"
_EXACT_INT = 2 ** 53  # larger ints are written as hex strings, which every JSON reader keeps exact
_KEY_TYPES = (type(None), bool, int, float, str)  # and tuples and frozensets of them: see _is_key
MAX_STRUCTURE_BYTES = 64 * 2 ** 20  # the JSON structure; a long list of numbers belongs in a tensor
_DTYPES = {d.name: d for d in _dtype.ALL}


# -- save -----------------------------------------------------------------------------------------
def save(obj, f):
    """Write ``obj`` to ``f`` (a path, or a binary file object). A path is replaced atomically:
    an interrupted save leaves the previous file as it was. A symbolic link is written through
    (its target is replaced, the link stays), and a replaced file keeps its permission bits."""
    header, arrays = _plan(obj)
    structure = json.dumps(header, allow_nan=False).encode()
    if len(structure) > MAX_STRUCTURE_BYTES:
        raise ValueError(f"the object's structure takes {len(structure)} bytes, more than the "
                         f"{MAX_STRUCTURE_BYTES} bytes pedagrad.load reads: it holds very many numbers "
                         "or strings outside tensors. Turn long lists of numbers into tensors "
                         "(pedagrad.tensor(values)) before saving.")
    if isinstance(f, (str, os.PathLike)):
        _write_atomically(Path(f), lambda out: _write(out, structure, arrays, obj, header))
    else:
        _write(f, structure, arrays, obj, header)


def _plan(obj):
    """The JSON header and the (entry, array) pairs to write; a pickle header if obj needs one."""
    encoder = _Encoder()
    try:
        tree = encoder.encode(obj, "obj", set())
    except _Unsupported as e:
        what = f"an object of type {_type_name(obj)}"
        if e.path != "obj":
            what = f"a {_type_name(obj)} whose entry {e.path} is a {e.type_name}"
        return {"format": "pedagrad", "version": FORMAT_VERSION,
                "pickle": {"entry": _PICKLE_ENTRY, "type": _type_name(obj), "what": what,
                           "nested": e.path != "obj"}}, []
    return {"format": "pedagrad", "version": FORMAT_VERSION, "object": tree}, encoder.arrays


def _write(out, structure, arrays, obj, header):
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(_HEADER, structure)  # first: see _diagnose
        for entry, array in arrays:
            with zf.open(entry, "w", force_zip64=array.nbytes > 2 ** 30) as w:
                np.save(w, array, allow_pickle=False)
        if "pickle" in header:
            with zf.open(_PICKLE_ENTRY, "w", force_zip64=True) as w:
                pickle.dump(obj, w, protocol=4)


def _write_atomically(path, write):
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    path = Path(os.path.realpath(path))  # through symbolic links: replace the target, keep the link
    directory = path.parent
    if not directory.is_dir():
        raise RuntimeError(f"Parent directory {directory} does not exist. Create it first "
                           f"(os.makedirs({str(directory)!r}, exist_ok=True)) or save elsewhere.")
    mode = _existing_mode(path)
    tmp = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            if mode is not None:
                os.chmod(tmp, mode)
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _existing_mode(path):
    """The permission bits of the file ``path`` replaces (None for a new file), or the
    PermissionError that writing to it with ``open(path, "wb")`` would give."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only; make it "
                                            "writable or save elsewhere)", str(path))
    return stat.S_IMODE(st.st_mode)


def _fsync_directory(directory):
    """Make the rename itself durable (POSIX); some systems can't open a directory, so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Unsupported(Exception):
    def __init__(self, path, value):
        self.path, self.type_name = path, _type_name(value)


class _Encoder:
    """Turns an object into JSON-ready values; tensors become references to .npy entries."""

    def __init__(self):
        self.arrays = []
        self.tensors = {}  # id(tensor) -> its node, so a tensor used twice is written once

    def encode(self, x, path, open_containers):
        kind = type(x)
        if x is None or kind is bool or kind is str:
            return x
        if kind is int:
            return x if -_EXACT_INT < x < _EXACT_INT else {"type": "int", "hex": hex(x)}
        if kind is float:
            return x if math.isfinite(x) else {"type": "float", "value": repr(x)}
        if isinstance(x, Tensor) and _tensor_class_name(x):
            return self._tensor(x)
        if kind is _dtype.dtype:
            return {"type": "dtype", "name": x.name}
        if kind is _device:
            return {"type": "device", "name": "cpu"}
        if kind in (set, frozenset):
            return {"type": kind.__name__, "items": [self._key(v, path, "an element") for v in x]}
        if kind not in (list, tuple, Size, dict, collections.OrderedDict) or id(x) in open_containers:
            raise _Unsupported(path, x)  # containers that contain themselves go to pickle too
        open_containers.add(id(x))
        if kind in (dict, collections.OrderedDict):
            items = [[self._key(k, path, "a key"), self.encode(v, f"{path}[{k!r}]", open_containers)]
                     for k, v in x.items()]
            node = {"type": kind.__name__, "items": items}
        else:
            items = [self.encode(v, f"{path}[{i}]", open_containers) for i, v in enumerate(x)]
            node = items if kind is list else {"type": kind.__name__, "items": items}
        open_containers.discard(id(x))
        return node

    def _key(self, k, path, what):
        """A dict key or a set element: a number, a string, None, or a tuple or frozenset of them."""
        if not _is_key(k):
            raise _Unsupported(f"{path} ({what})", k)
        return self.encode(k, path, set())

    def _tensor(self, t):
        if id(t) not in self.tensors:
            entry = f"tensors/{len(self.arrays)}.npy"
            data = t._data if t._data.flags.c_contiguous else t._data.copy(order="C")
            self.arrays.append((entry, data))
            self.tensors[id(t)] = {"type": _tensor_class_name(t), "entry": entry,
                                   "dtype": t.dtype.name, "shape": list(t._data.shape),
                                   "requires_grad": t._requires_grad}
        return self.tensors[id(t)]


def _is_key(k):
    kind = type(k)
    return kind in _KEY_TYPES or (kind in (tuple, frozenset) and all(_is_key(v) for v in k))


def _tensor_class_name(t):
    """'tensor' or 'parameter' for the tensor classes the JSON format knows, else None."""
    if type(t) is Tensor:
        return "tensor"
    nn = sys.modules.get("pedagrad.nn")
    if nn is not None and type(t) is getattr(nn, "Parameter", None):
        return "parameter"
    return None


def _type_name(x):
    kind = type(x)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


# -- load -----------------------------------------------------------------------------------------
def load(f, map_location=None, *, weights_only=True):
    """Read an object written by ``save``. With ``weights_only=True`` (the default) only tensors,
    numbers, strings and containers of them load: a file holding a pickled object is refused.

    ``map_location`` is accepted as torch accepts it (``"cpu"``, a device, a dict such as
    ``{"cuda:0": "cpu"}``, or a function ``lambda storage, loc: storage``), as long as it leaves
    the tensors on the CPU, the only device pedagrad has."""
    hook = _map_location_hook(map_location)
    weights_only = True if weights_only is None else weights_only
    if not isinstance(f, (str, os.PathLike)):
        return _load(f, getattr(f, "name", "the file object"), weights_only, hook)
    try:
        fh = open(f, "rb")  # noqa: SIM115  (closed by the with below)
    except FileNotFoundError:
        where = "" if os.path.isabs(f) else f" (relative paths start at {os.getcwd()})"
        raise FileNotFoundError(errno.ENOENT, f"No such file or directory{where}", os.fspath(f)) from None
    with fh:
        return _load(fh, os.fspath(f), weights_only, hook)


def _map_location_hook(map_location):
    """None, or the function ``load`` applies to each tensor it reads, from torch's map_location.
    Every tensor pedagrad saves lives on the CPU, so a map_location can only keep it there."""
    if map_location is None:
        return None
    if isinstance(map_location, dict):
        target = map_location.get("cpu", "cpu")  # other locations never occur in a pedagrad file
        _check_cpu(target, f"map_location maps 'cpu' to {target!r}")
        return None
    if isinstance(map_location, str) or hasattr(map_location, "type"):
        _check_cpu(map_location, f"map_location is {map_location!r}")
        return None
    if callable(map_location):
        return map_location
    raise TypeError(f"map_location should be a string such as 'cpu', a device, a dict mapping saved "
                    f"locations to locations, or a function (storage, location) -> storage, not "
                    f"{_type_name(map_location)}")


def _check_cpu(target, what):
    where = target if isinstance(target, str) else getattr(target, "type", None)
    if isinstance(where, str) and where.split(":")[0] == "cpu":
        return
    raise RuntimeError(f"pedagrad runs on the CPU only, so map_location must be None, 'cpu' or "
                       f"pedagrad.device('cpu'), not {target!r} ({what}). Tensors always load onto "
                       "the CPU: leave map_location out.")


class _Storage:
    """What a map_location function receives for each tensor, in place of torch's storage: its
    memory, on the CPU. ``.cpu()`` gives it back; other devices are refused."""

    def __init__(self, tensor):
        self._tensor = tensor

    device = property(lambda self: _device("cpu"))
    is_cuda = False

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        _device("cuda")  # raises: pedagrad has no GPU

    def to(self, device=None, non_blocking=False):
        _device(device)  # raises unless device is the CPU
        return self

    def nbytes(self):
        return self._tensor._data.nbytes

    def __repr__(self):
        return f"<pedagrad storage: {self.nbytes()} bytes on the CPU>"


def _apply_hook(hook, tensor):
    if hook is None:
        return tensor
    result = hook(_Storage(tensor), "cpu")
    if result is None or (type(result) is _Storage and result._tensor is tensor):
        return tensor
    raise TypeError(f"the map_location function returned {_type_name(result)}; it must return the "
                    "storage it was given (lambda storage, loc: storage) or None: pedagrad keeps "
                    "every tensor on the CPU")


def _load(fh, name, weights_only, hook):
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, TypeError):
        raise _diagnose(fh, name) from None
    with zf:
        header = _read_header(zf, name)
        if "pickle" in header:
            return _load_pickle(zf, header["pickle"], name, weights_only, hook)
        decoder = _Decoder(zf, name)
        try:
            obj = decoder.decode(header["object"])
        except (zipfile.BadZipFile, EOFError, KeyError, TypeError, ValueError, AttributeError,
                RecursionError) as e:
            raise _corrupted(name, f"{type(e).__name__}: {e}") from None
    for _, tensor in decoder.tensors.values():  # the learner's function: its errors are its own
        _apply_hook(hook, tensor)
    return obj


_METHODS = {zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}


def _check_entries(zf, name):
    """Every entry stored (not compressed), and lying in the file without overlapping another, so
    that all entries together hold at most the file's own bytes; before any entry is read."""
    infos = sorted(zf.infolist(), key=lambda info: info.header_offset)
    ends = [info.header_offset for info in infos[1:]] + [zf.start_dir]
    for info, end in zip(infos, ends):
        if info.compress_type != zipfile.ZIP_STORED:
            method = _METHODS.get(info.compress_type, f"method {info.compress_type}")
            raise RuntimeError(
                f"{name} can't be loaded: its entry {info.filename!r} is compressed ({method}). "
                "pedagrad.save writes uncompressed entries, and load reads no others, so that a "
                "small file can't unpack into a large one. If the file was compressed or rebuilt "
                "after saving, save it again with pedagrad.save.")
        # 30 bytes of local header and the name come before the data: a lower bound of its start
        data_end = info.header_offset + 30 + len(info.orig_filename) + info.compress_size
        if info.file_size != info.compress_size or info.header_offset < 0 or data_end > end:
            raise _corrupted(name, f"its entry {info.filename!r} claims {info.file_size} bytes, "
                                   "more than the file holds in its place")


def _read_header(zf, name):
    if _HEADER not in zf.namelist():
        raise _not_pedagrad_zip(zf, name)
    _check_entries(zf, name)
    size = zf.getinfo(_HEADER).file_size
    if size > MAX_STRUCTURE_BYTES:
        raise RuntimeError(
            f"{name} can't be loaded: its structure (the entry {_HEADER!r}) is {size} bytes, more "
            f"than the {MAX_STRUCTURE_BYTES} bytes load reads. If you trust the file, raise the limit "
            "(pedagrad.serialization.MAX_STRUCTURE_BYTES) and load it again.")
    try:
        header = json.loads(zf.read(_HEADER))
    except (zipfile.BadZipFile, ValueError, EOFError, RecursionError) as e:
        raise _corrupted(name, f"its {_HEADER} can't be read ({e})") from None
    if not isinstance(header, dict) or header.get("format") != "pedagrad":
        raise RuntimeError(f"{name} is not a pedagrad file: it is a zip archive with a {_HEADER} "
                           "entry, but not one that pedagrad.save wrote.")
    version = header.get("version")
    if type(version) is not int or version < 1:
        raise _corrupted(name, f"its format version is {version!r}, not a positive integer")
    if version > FORMAT_VERSION:
        raise RuntimeError(f"{name} was written by a newer pedagrad (file format version {version}); "
                           f"this pedagrad reads format versions up to {FORMAT_VERSION}. Upgrade "
                           "pedagrad (pip install --upgrade pedagrad) to load it.")
    if not ("object" in header or isinstance(header.get("pickle"), dict)):
        raise _corrupted(name, f"its {_HEADER} holds neither an object nor a pickle entry")
    return header


class _Decoder:
    """Rebuilds the object from the JSON structure, reading each tensor's .npy entry."""

    def __init__(self, zf, name):
        self.zf, self.name = zf, name
        self.tensors = {}  # entry -> (node, tensor), so a tensor saved twice loads as one object

    def decode(self, node):
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.decode(v) for v in node]
        kind = node.get("type") if type(node) is dict else None
        if kind in ("tensor", "parameter"):
            return self._tensor(node)
        if kind == "int":
            return int(node["hex"], 16)
        if kind == "float" and node["value"] in ("nan", "inf", "-inf"):
            return float(node["value"])
        if kind in ("tuple", "Size"):
            return (tuple if kind == "tuple" else Size)(self.decode(v) for v in node["items"])
        if kind in ("dict", "OrderedDict"):
            pairs = [(self._key(k), self.decode(v)) for k, v in node["items"]]
            return dict(pairs) if kind == "dict" else collections.OrderedDict(pairs)
        if kind in ("set", "frozenset"):
            return (set if kind == "set" else frozenset)(self._key(v) for v in node["items"])
        if kind == "dtype" and node["name"] in _DTYPES:
            return _DTYPES[node["name"]]
        if kind == "device":
            return _device("cpu")
        raise _corrupted(self.name, f"its structure holds an entry pedagrad can't read: {str(node)[:80]}")

    def _key(self, node):
        key = self.decode(node)
        if not _is_key(key):
            raise _corrupted(self.name, f"a dict key or set element is a {type(key).__name__}")
        return key

    def _tensor(self, node):
        entry = node["entry"]
        if entry in self.tensors:
            first, tensor = self.tensors[entry]
            if any(node.get(k) != first.get(k) for k in ("type", "dtype", "shape", "requires_grad")):
                raise _corrupted(self.name, f"tensor entry {entry} is described twice, differently")
            return tensor
        dtype, shape = _DTYPES.get(node["dtype"]), tuple(node["shape"])
        array = self._read_array(entry, dtype, shape, node["dtype"])
        if node["requires_grad"] is True and not dtype.is_floating_point:
            raise _corrupted(self.name, f"tensor entry {entry} is {dtype.name} but requires grad")
        tensor = _make_tensor(array, node["requires_grad"] is True, node["type"])
        self.tensors[entry] = (node, tensor)
        return tensor

    def _read_array(self, entry, dtype, shape, dtype_name):
        """The .npy entry's array, once its header agrees with the structure and with the entry's
        size: memory is allocated only for data that is really in the file."""
        info = self.zf.getinfo(entry)
        with self.zf.open(info) as fp:
            try:
                version = np.lib.format.read_magic(fp)
                if version not in ((1, 0), (2, 0)):
                    raise ValueError(f"unsupported .npy format version {version}")
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                npy_shape, fortran, npy_dtype = read_header(fp)
            except (ValueError, TypeError, SyntaxError) as e:
                raise _corrupted(self.name, f"tensor entry {entry} has no valid .npy header ({e})") from None
            if (dtype is None or npy_dtype != dtype.np or npy_shape != shape
                    or any(type(n) is not int or n < 0 for n in npy_shape)):
                raise _corrupted(self.name, f"tensor entry {entry} holds {npy_dtype} data of shape "
                                            f"{npy_shape}, but the structure says {dtype_name} of "
                                            f"shape {shape}")
            nbytes = math.prod(npy_shape) * npy_dtype.itemsize
            held = info.file_size - fp.tell()
            if nbytes != held:
                raise _corrupted(self.name, f"tensor entry {entry} should hold {nbytes} bytes of "
                                            f"{npy_dtype} data of shape {npy_shape}, but holds {held}")
            flat = np.empty(math.prod(npy_shape), dtype=npy_dtype)
            raw, done = flat.view(np.uint8), 0
            while done < nbytes:
                chunk = fp.read(min(nbytes - done, 1 << 24))
                if not chunk:
                    raise EOFError(f"tensor entry {entry} ends after {done} of {nbytes} bytes")
                raw[done:done + len(chunk)] = np.frombuffer(chunk, np.uint8)
                done += len(chunk)
            fp.read(1)  # at the end of the entry: zipfile checks its CRC here
        return flat.reshape(npy_shape[::-1]).T if fortran else flat.reshape(npy_shape)


def _make_tensor(array, requires_grad, kind):
    t = Tensor._wrap(array, requires_grad=requires_grad)
    if kind == "parameter":
        from .nn import Parameter

        return Parameter(t, requires_grad=requires_grad)
    return t


def _load_pickle(zf, info, name, weights_only, hook=None):
    if weights_only:
        what = str(info.get("what", "an object"))[:300]
        better = ("convert that entry to a tensor, a number, a string, or a list, tuple, dict or set of "
                  "them before saving, and the file will load with weights_only=True"
                  if info.get("nested") else
                  "save the model's weights with pedagrad.save(model.state_dict(), path), then "
                  "load them into a freshly created model with "
                  "model.load_state_dict(pedagrad.load(path))")
        raise pickle.UnpicklingError(
            f"Weights only load failed: {name} holds a pickled Python object ({what}), not only "
            "tensors, numbers, strings and lists, tuples, dicts or sets of them. Loading it would run "
            "code from the file, which can do anything on your computer. If you trust where the "
            f"file comes from, load it with pedagrad.load({name!r}, weights_only=False). "
            f"Better: {better}.")
    try:
        fp = zf.open(info["entry"])
    except (KeyError, zipfile.BadZipFile) as e:
        raise _corrupted(name, f"its pickle entry can't be read ({e})") from None
    with fp:
        return _Unpickler(fp, hook).load()


class _Unpickler(pickle.Unpickler):
    """pickle's Unpickler, with an error that says how to fix a class it can't find; each tensor
    goes through the map_location function, if there is one."""

    def __init__(self, fp, hook):
        super().__init__(fp)
        self.hook = hook

    def find_class(self, module, name):
        if self.hook is not None and (module, name) == ("pedagrad._tensor", "_rebuild"):
            from ._tensor import _rebuild

            return lambda *args: _apply_hook(self.hook, _rebuild(*args))
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError) as e:
            how = (f"define class {name} in this script or notebook, as it was when the object "
                   "was saved" if module == "__main__" else f"run `from {module} import {name}`")
            raise type(e)(f"Can't load the saved object: its class {module}.{name} must be defined "
                          f"or imported before loading. First {how}, then call pedagrad.load "
                          "again.") from None


# -- what is wrong with a file that is not a readable pedagrad file ------------------------------
def _corrupted(name, detail):
    return RuntimeError(f"{name} is a truncated or corrupted pedagrad file: {detail}. Save it again, "
                        "or copy it again from where it came from.")


def _diagnose(fh, name):
    """The error for a file that isn't a readable zip archive: say what it seems to be instead."""
    try:
        fh.seek(0)
        start = fh.read(64)
    except (OSError, ValueError):
        start = None
    if not isinstance(start, bytes):
        return RuntimeError(f"{name} can't be read as a pedagrad file: load needs a path, or a file "
                            "object opened for reading in binary mode that can seek (open(path, 'rb') "
                            "or io.BytesIO).")
    if not start:
        return RuntimeError(f"{name} is empty (0 bytes): nothing was saved in it, or something other "
                            "than pedagrad.save created it. Save the object again.")
    if start.startswith(b"PK\x03\x04") or b"PK\x03\x04".startswith(start):
        name_length = int.from_bytes(start[26:28], "little")
        first_name = start[30:30 + name_length]
        if first_name == _HEADER.encode() or (len(start) < 30 + name_length
                                               and _HEADER.encode().startswith(first_name)):
            return _corrupted(name, "the end of the file (the zip archive's directory) is missing or "
                                    "damaged, as when a copy or download is cut short")
        return RuntimeError(f"{name} is not a pedagrad file: it is a damaged zip archive whose first "
                            f"entry is {first_name!r}, not {_HEADER!r}.")
    if start.startswith(b"\x80"):
        return RuntimeError(f"{name} is not a pedagrad file: it is a Python pickle (as written by "
                            "pickle.dump, or by old versions of torch.save). pedagrad.load reads only "
                            "files written by pedagrad.save.")
    return RuntimeError(f"{name} is not a pedagrad file: pedagrad.save writes zip archives, but this "
                        f"file starts with {start[:24]!r}.")


def _not_pedagrad_zip(zf, name):
    names = zf.namelist()
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        return RuntimeError(
            f"{name} is not a pedagrad file: it was written by PyTorch's torch.save. Load it with "
            "torch.load, then turn each tensor into a pedagrad one: "
            "{k: pedagrad.tensor(v.numpy()) for k, v in torch.load(path).items()}.")
    return RuntimeError(f"{name} is not a pedagrad file: it is a zip archive without a {_HEADER} "
                        f"entry (its entries begin {names[:5]}).")
