import TensorCore

/// Reads the files `torch.save` writes — without running their pickles.
///
/// Two layouts exist: the zip archive that `torch.save` writes by default since PyTorch 1.6, and
/// the older single-stream format (also written with `_use_new_zipfile_serialization=False`).
/// Both hold a pickle of the saved object whose tensors point at raw storages. The pickle is read
/// by a restricted unpickler that knows the handful of globals a state dict needs
/// (`torch._utils._rebuild_tensor_v2` and friends, storage types, `collections.OrderedDict`)
/// and refuses every other one — `os.system`, `builtins.exec`, numpy's `_reconstruct` … — with an
/// error naming it. Nothing in the file is ever executed.
///
/// ```swift
/// let weights = try TorchCheckpoint.read(path: "uniter-base.pt")
/// weights["uniter.pooler.dense.weight"]?.shape   // [768, 768]
/// ```
public enum TorchCheckpoint {
    /// Every tensor of the checkpoint at `path`, by name.
    ///
    /// The saved object must be a dict (a `state_dict()`); tensors in nested dicts get dotted
    /// names (`{"model": {"w": t}}` → `model.w`) and other values are skipped. Tensors keep their
    /// shape, strides, storage offset and dtype — F32, F64, F16, BF16, I64 and BOOL as they are;
    /// I32, I16, I8, U8, U16 and U32 widened to int64 — and tensors that shared a storage share
    /// one here. Storages already in Ember's layout (F32/F64/F16/BF16/I64, little-endian, aligned —
    /// always so in zip files) borrow the memory-mapped file instead of being copied.
    /// - Throws: ``CheckpointError`` naming the file (and the tensor or archive entry): not a
    ///   checkpoint, truncated or damaged archive, malformed pickle, a forbidden global, a missing
    ///   storage, or a tensor that does not fit its storage.
    public static func read(path: String) throws -> [String: Tensor] {
        let file = try MappedFile.checkpoint(at: path)
        let head = Array(file.all.prefix(4))
        if head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06] { return try readZip(file) }
        if head.first == 0x80 { return try readLegacy(file) }
        if file.size > 262, Array(file.all[257..<262]) == Array("ustar".utf8) {
            throw CheckpointError(
                path: path, reason: "a tar-format checkpoint (PyTorch before 0.1.10) is not supported")
        }
        throw CheckpointError(
            path: path,
            reason: "not a PyTorch checkpoint: neither a zip archive (torch.save since 1.6) nor a legacy pickle")
    }

    /// The zip format: `<name>/data.pkl`, the storages as `<name>/data/<key>`, and
    /// `<name>/byteorder` ("little" or "big"; absent in files older than PyTorch 2.1, which were
    /// little-endian).
    private static func readZip(_ file: MappedFile) throws -> [String: Tensor] {
        let zip = try ZipArchive(file: file)
        // The records share one top folder, named after the file at the time it was saved.
        guard
            let pickle = zip.entries.first(where: {
                $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2
            })
        else {
            throw CheckpointError(
                path: file.path, reason: "a zip archive without <name>/data.pkl is not a PyTorch checkpoint")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        let pickleBytes = zip.data(pickle)
        guard CRC32.checksum(pickleBytes) == pickle.crc32 else {
            throw CheckpointError(
                path: file.path, key: pickle.name, reason: "the entry is damaged (its CRC-32 does not match)")
        }
        var bigEndian = false
        if let order = zip.entry(prefix + "byteorder") {
            let text = String(decoding: zip.data(order), as: UTF8.self)
            guard text == "little" || text == "big" else {
                throw CheckpointError(path: file.path, key: order.name, reason: "unknown byte order '\(text)'")
            }
            bigEndian = text == "big"
        }
        var unpickler = Unpickler(bytes: pickleBytes, path: file.path, source: pickle.name)
        let root = try unpickler.load()
        let locator = StorageLocator(file: file, bigEndian: bigEndian) { key in
            let name = prefix + "data/" + key
            return (zip.entry(name)?.range, "'\(name)'")
        }
        var materializer = TensorMaterializer(locator: locator)
        return try materializer.tensors(from: root)
    }
}
