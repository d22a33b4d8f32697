"""Checkpoint-format fixtures (Tests/Fixtures/checkpoints/), imported by models.py.

Every PyTorch file here is written by torch.save itself, or crafted by hand and then checked
against torch.load / zipfile, and has a safetensors twin written by the safetensors package that
holds the values torch.load returns. See the README this writes for the list.
"""
import builtins
import collections
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile

import numpy as np
import torch
from safetensors.torch import load_file, save_file

# The command the malicious pickles would run. The Swift test removes this file, reads the
# pickles and checks that it was not created again.
MARKER = "/tmp/ember-pickle-ran-os-system"


def format_state():
    """A small state dict with every storage type, strided views and shared storages."""
    g = torch.Generator().manual_seed(1234)

    def randn(*shape):
        return torch.randn(*shape, generator=g)

    base = randn(4, 6)
    tied = randn(2, 3)
    s = collections.OrderedDict()
    s["f32"] = randn(3, 5)
    s["f16"] = randn(2, 3).half()
    s["bf16"] = randn(2, 3).bfloat16()
    s["f64"] = randn(3).double()
    s["i64"] = torch.tensor([-3, 0, 2**40, -(2**62)])
    s["i32"] = torch.tensor([-7, 1, 2**31 - 1], dtype=torch.int32)
    s["i16"] = torch.tensor([-300, 7], dtype=torch.int16)
    s["i8"] = torch.tensor([-128, 5, 127], dtype=torch.int8)
    s["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    s["u16"] = torch.tensor([1, 65535, 300], dtype=torch.uint16)  # written with _rebuild_tensor_v3
    s["bool"] = torch.tensor([True, False, True])
    s["scalar"] = torch.tensor(2.5)
    s["empty"] = torch.zeros(0, 3)
    # Views of one storage: the base, its transpose, a 2-D slice with a storage offset, a row.
    s["shared.base"] = base
    s["shared.transposed"] = base.t()
    s["shared.slice"] = base[1:3, 2:5]
    s["shared.row"] = base[2]
    # The same tensor object under two names (tied weights): pickled once, then memo lookups.
    s["tied.a"] = tied
    s["tied.b"] = tied
    s["expanded"] = randn(3, 1).expand(3, 4)  # stride 0
    s["f16.strided"] = randn(4, 4).half()[:, 1::2]
    s["bf16.offset"] = randn(10).bfloat16()[3:7]
    s["param"] = torch.nn.Parameter(randn(2, 2))
    s._metadata = collections.OrderedDict([("", {"version": 1})])  # as Module.state_dict() sets
    return s


def twin(state):
    """The values torch.load gives, as contiguous clones (safetensors refuses shared memory)."""
    return {k: v.detach().contiguous().clone() for k, v in state.items()}


def check_same(path, expected, weights_only=True):
    """torch.load(path) gives exactly `expected` (bitwise, dtype and shape). torch's
    weights_only reader lacks some opcodes of protocols 4-5 (FRAME), so files we wrote ourselves
    with those protocols are read with the full unpickler."""
    got = torch.load(path, weights_only=weights_only)
    flat = flatten(got)
    assert set(flat) == set(expected), (path, sorted(set(flat) ^ set(expected)))
    for k, v in expected.items():
        w = flat[k]
        assert w.dtype == v.dtype and w.shape == v.shape, (path, k, w.dtype, w.shape)
        assert torch.equal(w.contiguous().reshape(-1).view(torch.uint8), v.contiguous().reshape(-1).view(torch.uint8)), (path, k)


def layout(tensors):
    """JSON: per tensor, its stride, storage offset and the number of its storage (in order of
    first use), as torch.load returned them."""
    storages = {}
    out = {}
    for k, v in tensors.items():
        ptr = v.untyped_storage().data_ptr()
        number = storages.setdefault(ptr, len(storages))
        out[k] = {"stride": list(v.stride()), "offset": v.storage_offset(), "storage": number}
    return json.dumps(out, sort_keys=True)


def flatten(obj, prefix=""):
    out = {}
    for k, v in obj.items():
        if isinstance(v, torch.Tensor):
            out[prefix + str(k)] = v
        elif isinstance(v, dict):
            out.update(flatten(v, prefix + str(k) + "."))
    return out


def stable_legacy_save(obj, path, protocol=2):
    """torch.save in the legacy format, made reproducible.

    The legacy writer names each storage `str(storage._cdata)`, its memory address, and writes
    the storages in the sorted order of those names, so the bytes change from run to run. While
    it runs, `str` in torch.serialization's namespace (looked up before the builtin) turns such
    addresses into numbers of first use, zero-padded to 6 digits; everything else is torch's own
    writer. The caller checks torch.load of the result.
    """
    names = {}

    class StrMeta(type):
        # torch.serialization also uses `str` as a type (isinstance), which must keep working.
        def __instancecheck__(cls, obj):
            return isinstance(obj, builtins.str)

        def __call__(cls, value=""):
            if isinstance(value, int) and value > 2**32:  # a C pointer: the storage key
                return names.setdefault(value, f"{len(names):06d}")
            return builtins.str(value)

    class StableStr(metaclass=StrMeta):
        pass

    torch.serialization.str = StableStr
    try:
        torch.save(obj, path, _use_new_zipfile_serialization=False, pickle_protocol=protocol)
    finally:
        del torch.serialization.str
    assert names, "torch's legacy writer no longer names storages with str(); update stable_legacy_save"


class Inert(pickle.Unpickler):
    """Walks a torch pickle without building anything (to reach what follows it)."""

    def persistent_load(self, pid):
        return None

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        return lambda *args: None


class StorageRecorder(Inert):
    """Records the storages a torch pickle names: keys in order of first use, and the element
    size of each (torch.load's unit for byte swapping; 1 for untyped storages)."""

    def __init__(self, f):
        super().__init__(f)
        self.order, self.sizes = [], {}

    def persistent_load(self, pid):
        kind, key = pid[1], pid[2]
        if key not in self.sizes:
            self.order.append(key)
            self.sizes[key] = 1 if kind is torch.UntypedStorage else kind.dtype.itemsize

    def find_class(self, module, name):
        if name.endswith("Storage"):
            return getattr(torch, name)
        return super().find_class(module, name)


# ---------------------------------------------------------------- crafted zips

def rezip(src, dst, transform, compression=zipfile.ZIP_STORED):
    """Copies the zip `src` to `dst`, passing each (name, bytes) through `transform`
    (None drops the entry)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            item = transform(info.filename, zin.read(info.filename))
            if item is not None:
                zi = zipfile.ZipInfo(item[0], date_time=(1980, 1, 1, 0, 0, 0))
                zi.compress_type = compression
                zout.writestr(zi, item[1])


def write_zip64(src, dst):
    """Rewrites the zip `src` with every size and offset in the central directory moved into
    ZIP64 extra fields (0xFFFFFFFF placeholders), as a writer does for files over 4 GB, plus
    the ZIP64 end records. Entries stay stored and 64-byte aligned."""
    with zipfile.ZipFile(src) as zin:
        entries = [(i.filename.encode(), zin.read(i.filename)) for i in zin.infolist()]
    out = bytearray()
    central = bytearray()
    for name, data in entries:
        crc = zipfile.crc32(data) & 0xFFFFFFFF
        offset = len(out)
        # Local header: ZIP64 extra with both sizes; padding extra (id 0x4246 as torch) to align.
        z64_local = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        base = offset + 30 + len(name) + len(z64_local) + 4
        pad = (-base) % 64
        extra = z64_local + struct.pack("<HH", 0x4246, pad) + b"Z" * pad
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0x21, crc,
                           0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra)) + name + extra
        assert len(out) % 64 == 0
        out += data
        z64 = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0x21, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(name), len(z64), 0, 0, 0, 0,
                               0xFFFFFFFF) + name + z64
    cd_offset = len(out)
    out += central
    eocd64_offset = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                       len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, eocd64_offset, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(dst, "wb") as f:
        f.write(out)


def byteswapped(src, dst):
    """The zip `src` rewritten as a big-endian machine would write it: byteorder "big" and
    every storage's elements byte-swapped. The element size is the storage type's, as torch.load
    uses when it swaps back; an untyped storage (uint16 and the other _rebuild_tensor_v3 dtypes)
    counts as bytes and is not swapped."""
    with zipfile.ZipFile(src) as z:
        prefix = z.namelist()[0].split("/")[0]
        recorder = StorageRecorder(io.BytesIO(z.read(prefix + "/data.pkl")))
    recorder.load()
    sizes = recorder.sizes

    def swap(name, data):
        if name.endswith("/byteorder"):
            return name, b"big"
        part = name.split("/")
        if len(part) == 3 and part[1] == "data":
            n = sizes[part[2]]
            return name, np.frombuffer(data, np.uint8).reshape(-1, n)[:, ::-1].tobytes()
        return name, data

    rezip(src, dst, swap)


# ---------------------------------------------------------------- malicious pickles

def op_string(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def evil_pickles():
    """Hand-assembled pickles that would run `touch MARKER` if unpickled by Python."""
    cmd = op_string("touch " + MARKER)
    return {
        # GLOBAL + REDUCE, protocol 2 (what torch.save writes)
        "os.system": b"\x80\x02cos\nsystem\n" + cmd + b"\x85R.",
        # STACK_GLOBAL, protocol 4, inside a dict value as a state dict would hold it
        "builtins.exec": b"\x80\x04}(\x8c\x06weight"
        + b"\x8c\x08builtins\x8c\x04exec\x93"
        + op_string("import os; os.system('touch " + MARKER + "')") + b"\x85Ru.",
        # INST: looks the class up and calls it with the marked arguments, protocol 0
        "subprocess.call": b"((" + op_string("touch") + op_string(MARKER) + b"lisubprocess\ncall\n.",
        # A whitelisted type abused as a callable: constructing a storage from a list
        "torch.FloatStorage": b"\x80\x02ctorch\nFloatStorage\n]K\x01a\x85R.",
    }


def write_pickle_zip(path, prefix, pkl):
    """A torch-style zip holding `pkl` as data.pkl."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in [("data.pkl", pkl), ("byteorder", b"little"), ("version", b"3\n")]:
            z.writestr(zipfile.ZipInfo(prefix + "/" + name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def write_legacy_with(path, pkl):
    """The legacy layout (magic, protocol, sys_info pickles) followed by `pkl`."""
    head = b""
    for obj in (0x1950A86A20F9469CFC6C, 1001,
                {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}):
        head += pickle.dumps(obj, protocol=2)
    with open(path, "wb") as f:
        f.write(head + pkl)


def prove_it_runs(path):
    """Checks that Python's full unpickler would run the command, and that torch's
    weights_only loader refuses it, so the fixture is a real attack."""
    if os.path.exists(MARKER):
        os.remove(MARKER)
    code = ("import torch,sys\n"
            "try: torch.load(sys.argv[1], weights_only=False)\n"
            "except Exception: pass\n")
    subprocess.run([sys.executable, "-c", code, path], check=True, capture_output=True)
    assert os.path.exists(MARKER), path
    os.remove(MARKER)
    try:
        torch.load(path, weights_only=True)
    except pickle.UnpicklingError:
        return
    raise AssertionError(path + " loaded with weights_only=True")


# ---------------------------------------------------------------- the fixtures

def make(out, bert_model):
    """Writes every checkpoint fixture into `out` and returns the README rows."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rows = []

    def path(name):
        return os.path.join(out, name)

    def note(name, what):
        rows.append((name, what))

    state = format_state()
    expected = twin(state)
    torch.save(state, path("zip.pt"))
    check_same(path("zip.pt"), expected)
    save_file(expected, path("twin.safetensors"), metadata={"layout": layout(torch.load(path("zip.pt")))})
    note("twin.safetensors", "the values of the format state dict (safetensors package); the twin of the files "
                             "below. Its metadata 'layout' gives, per tensor, the stride, storage offset and "
                             "storage number that torch.load returns (equal numbers: one shared storage)")
    note("zip.pt", "torch.save default: zip, pickle protocol 2; every dtype, strided views, shared storages, "
                   "a tied tensor, a Parameter, uint16 through _rebuild_tensor_v3")

    torch.save(state, path("zip-protocol5.pt"), pickle_protocol=5)
    check_same(path("zip-protocol5.pt"), expected, weights_only=False)
    note("zip-protocol5.pt", "the same with pickle protocol 5 (FRAME, SHORT_BINUNICODE, MEMOIZE)")

    legacy_state = collections.OrderedDict((k, v) for k, v in state.items() if v.dtype != torch.uint16)
    legacy_state._metadata = state._metadata
    legacy_expected = {k: v for k, v in expected.items() if k != "u16"}
    stable_legacy_save(legacy_state, path("legacy.pt"))
    check_same(path("legacy.pt"), legacy_expected)
    save_file(legacy_expected, path("twin-legacy.safetensors"), metadata={"layout": layout(torch.load(path("legacy.pt")))})
    note("legacy.pt", "the same without u16 (the legacy writer has no uint16) in the pre-1.6 format "
                      "(_use_new_zipfile_serialization=False); twin: twin-legacy.safetensors")

    stable_legacy_save(legacy_state, path("legacy-protocol4.pt"), protocol=4)
    check_same(path("legacy-protocol4.pt"), legacy_expected, weights_only=False)
    note("legacy-protocol4.pt", "legacy format with pickle protocol 4")

    write_zip64(path("zip.pt"), path("zip64.pt"))
    check_same(path("zip64.pt"), expected)
    with zipfile.ZipFile(path("zip64.pt")) as z:
        assert z.testzip() is None
    note("zip64.pt", "zip.pt rewritten with ZIP64 sizes and offsets in every central-directory entry "
                     "(as for files over 4 GB); checked with torch.load and zipfile")

    byteswapped(path("zip.pt"), path("big-endian.pt"))
    check_same(path("big-endian.pt"), expected)
    note("big-endian.pt", "zip.pt as a big-endian machine writes it (byteorder 'big', swapped storages); "
                          "torch.load swaps back")

    nested = {"model": collections.OrderedDict([("w", expected["f32"]), ("b", expected["i64"])]),
              "epoch": 3, "lr": 0.125, "name": "run-1", "blob": b"\x00\x01ember", "steps": [1, 2, 3],
              "big": 2**70, "none": None, "flag": True, "pair": (1.5, "x")}
    torch.save(nested, path("nested.pt"))
    save_file({"model.w": expected["f32"], "model.b": expected["i64"]}, path("nested.safetensors"))
    check_same(path("nested.pt"), {"model.w": expected["f32"], "model.b": expected["i64"]})
    note("nested.pt", "a training-style dict: tensors under 'model' plus ints, a float, str, bytes "
                      "(_codecs.encode), a list, a big int, None, a bool, a tuple; twin nested.safetensors "
                      "holds the flattened tensors")

    # HF folders from one tiny BertModel.
    sd = {k: v.detach().clone() for k, v in bert_model.state_dict().items()}
    save_file(sd, path("bert.safetensors"))
    note("bert.safetensors", "state dict of a tiny BertModel: the twin of every folder-* fixture")
    config = bert_model.config

    def folder(name):
        d = path(name)
        os.makedirs(d)
        config.save_pretrained(d)
        return d

    d = folder("folder-bin")
    torch.save(bert_model.state_dict(), os.path.join(d, "pytorch_model.bin"))
    note("folder-bin/", "config.json + pytorch_model.bin (zip)")
    d = folder("folder-legacy-bin")
    stable_legacy_save(bert_model.state_dict(), os.path.join(d, "pytorch_model.bin"))
    note("folder-legacy-bin/", "config.json + pytorch_model.bin (legacy format)")
    d = folder("folder-pt")
    torch.save(bert_model.state_dict(), os.path.join(d, "model_step_100.pt"))
    note("folder-pt/", "config.json + model_step_100.pt (a UNITER-style name)")
    d = path("folder-sharded-safetensors")
    bert_model.save_pretrained(d, max_shard_size="6KB")
    assert os.path.exists(os.path.join(d, "model.safetensors.index.json"))
    note("folder-sharded-safetensors/", "save_pretrained(max_shard_size='6KB'): model-0000k-of-0000K.safetensors + index")
    d = folder("folder-sharded-bin")
    write_sharded_bin(bert_model.state_dict(), d, shard_bytes=6_000)
    note("folder-sharded-bin/", "pytorch_model-0000k-of-0000K.bin (zip) + pytorch_model.bin.index.json, "
                                "the layout transformers 4.x wrote; 5.24 from_pretrained loads it")
    for name in ("folder-bin", "folder-legacy-bin", "folder-sharded-safetensors", "folder-sharded-bin"):
        check_loads(type(bert_model), path(name), sd)

    # Malicious pickles: each would run `touch MARKER`.
    for callable_name, pkl in evil_pickles().items():
        name = "evil-" + callable_name.replace(".", "-").lower() + ".pt"
        if callable_name == "builtins.exec":
            write_legacy_with(path(name), pkl)
            kind = "legacy file"
        else:
            write_pickle_zip(path(name), "evil", pkl)
            kind = "zip"
        if callable_name == "torch.FloatStorage":
            note(name, "zip whose pickle calls torch.FloatStorage([1]): an allowed storage type used as a callable")
            continue
        prove_it_runs(path(name))
        note(name, f"{kind} whose pickle calls {callable_name} to run `touch {MARKER}` (checked: Python's "
                   "unpickler runs it; torch's weights_only loader refuses it)")
    torch.save({"w": expected["f32"], "np": np.arange(3)}, path("evil-numpy.pt"))
    note("evil-numpy.pt", "torch.save of a dict holding a numpy array: the pickle calls numpy's "
                          "_reconstruct, which a tensor-only reader must refuse")

    # Broken files.
    raw = open(path("zip.pt"), "rb").read()
    open(path("truncated-zip.pt"), "wb").write(raw[: len(raw) * 3 // 5])
    note("truncated-zip.pt", "the first 60% of zip.pt (no central directory)")
    legacy = open(path("legacy.pt"), "rb").read()
    open(path("truncated-legacy.pt"), "wb").write(legacy[:-40])
    note("truncated-legacy.pt", "legacy.pt without its last 40 bytes (inside the last storage)")
    garbled = bytearray(raw)
    cd = raw.rfind(b"PK\x01\x02")
    garbled[cd:cd + 4] = b"XXXX"
    open(path("garbled-zip.pt"), "wb").write(bytes(garbled))
    note("garbled-zip.pt", "zip.pt with the signature of its last central-directory entry overwritten")
    rezip(path("zip.pt"), path("truncated-pickle.pt"),
          lambda n, b: (n, b[: len(b) // 2]) if n.endswith("data.pkl") else (n, b))
    note("truncated-pickle.pt", "zip.pt with data.pkl cut in half (no STOP opcode)")
    rezip(path("zip.pt"), path("missing-storage.pt"), lambda n, b: None if n.endswith("/data/3") else (n, b))
    note("missing-storage.pt", "zip.pt without the entry data/3")
    rezip(path("zip.pt"), path("short-storage.pt"),
          lambda n, b: (n, b[:-2]) if n.endswith("/data/0") else (n, b))
    note("short-storage.pt", "zip.pt with data/0 two bytes shorter than the tensor needs")
    rezip(path("zip.pt"), path("compressed.pt"), lambda n, b: (n, b), zipfile.ZIP_DEFLATED)
    note("compressed.pt", "zip.pt with deflate-compressed entries (torch never writes them)")
    open(path("not-a-checkpoint.pt"), "wb").write(b"this is a text file, not a checkpoint\n")
    note("not-a-checkpoint.pt", "plain text")
    for name in ("truncated-zip.pt", "truncated-legacy.pt", "garbled-zip.pt", "truncated-pickle.pt",
                 "missing-storage.pt", "short-storage.pt", "not-a-checkpoint.pt"):
        assert refused_by_torch(path(name)), name
    return rows


def refused_by_torch(path):
    try:
        torch.load(path, weights_only=True)
    except Exception:  # torch raises RuntimeError, UnpicklingError, EOFError… depending on the damage
        return True
    return False


def write_sharded_bin(state_dict, folder, shard_bytes):
    """pytorch_model-0000k-of-0000K.bin shards + pytorch_model.bin.index.json, split in key
    order when a shard would exceed `shard_bytes` (transformers 4.x's layout)."""
    shards, current, size = [], {}, 0
    for k, v in state_dict.items():
        n = v.numel() * v.element_size()
        if current and size + n > shard_bytes:
            shards.append(current)
            current, size = {}, 0
        current[k] = v
        size += n
    shards.append(current)
    weight_map, total = {}, 0
    for i, shard in enumerate(shards):
        name = f"pytorch_model-{i + 1:05d}-of-{len(shards):05d}.bin"
        torch.save(shard, os.path.join(folder, name))
        for k, v in shard.items():
            weight_map[k] = name
            total += v.numel() * v.element_size()
    with open(os.path.join(folder, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2, sort_keys=True)
        f.write("\n")


def check_loads(cls, folder, sd):
    """transformers' from_pretrained reads `folder` to exactly the state dict `sd`."""
    m = cls.from_pretrained(folder)
    got = m.state_dict()
    for k, v in sd.items():
        assert torch.equal(got[k], v), (folder, k)
