import TensorCore

/// The format of `torch.save` before PyTorch 1.6: five pickles in a row — the magic number, the
/// format version (1001), a `sys_info` dict, the object (storages as persistent ids), the list
/// of storage keys — then, for each key in that order, an int64 element count and the raw
/// elements.
extension TorchCheckpoint {
    /// `0x1950a86a20f9469cfc6c` as the little-endian bytes of a pickled LONG1.
    private static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func readLegacy(_ file: MappedFile) throws -> [String: Tensor] {
        let path = file.path
        var header = Unpickler(bytes: file.all, path: path, source: "the legacy header")
        guard case .bigInt(magic) = try header.load() else {
            throw CheckpointError(
                path: path, reason: "a pickle, but not a PyTorch checkpoint (no torch.save magic number)")
        }
        guard case .int(1001) = try header.load() else {
            throw CheckpointError(path: path, reason: "unsupported legacy format version (Ember reads version 1001)")
        }
        guard case .dict(let info) = try header.load() else {
            throw CheckpointError(path: path, reason: "the legacy sys_info record is not a dict")
        }
        for (key, value) in info.items {
            if case .string("little_endian") = key, case .bool(false) = value {
                throw CheckpointError(path: path, reason: "big-endian legacy checkpoints are not supported")
            }
        }
        var body = Unpickler(
            bytes: file.all, startingAt: header.position, path: path, source: "the legacy object pickle")
        let root = try body.load()
        var keyList = Unpickler(
            bytes: file.all, startingAt: body.position, path: path, source: "the legacy storage-key list")
        guard case .list(let keys) = try keyList.load() else {
            throw CheckpointError(path: path, reason: "the legacy storage-key list is not a list")
        }
        let ranges = try storageRecords(keys.items, after: keyList.position, references: body.storages, file: file)
        let locator = StorageLocator(file: file, bigEndian: false) { key in
            (ranges[key], "record '\(key)'")
        }
        var materializer = TensorMaterializer(locator: locator)
        return try materializer.tensors(from: root)
    }

    /// The byte range of each storage record: an int64 element count, then the elements, whose
    /// size the storage's type (from its persistent id) gives.
    private static func storageRecords(
        _ keys: [PickleValue], after start: Int, references: [String: StorageReference], file: MappedFile
    ) throws -> [String: Range<Int>] {
        var ranges: [String: Range<Int>] = [:]
        var p = start
        for item in keys {
            guard case .string(let key) = item else {
                throw CheckpointError(path: file.path, reason: "the storage-key list holds a \(item.kind), not a key")
            }
            guard let reference = references[key] else {
                throw CheckpointError(
                    path: file.path, reason: "the storage-key list names '\(key)', which no tensor uses")
            }
            guard let countBytes = file.bytes(p..<(p + 8)) else {
                throw CheckpointError(
                    path: file.path, reason: "the file ends before storage record '\(key)' (truncated?)")
            }
            let count = countBytes.littleEndian(Int64.self, at: 0)
            guard count == reference.count else {
                throw CheckpointError(
                    path: file.path,
                    reason: "storage record '\(key)' has \(count) elements, its persistent id says \(reference.count)")
            }
            let (size, overflow) = reference.count.multipliedReportingOverflow(by: reference.type.byteCount)
            guard !overflow, size <= file.size - p - 8 else {
                throw CheckpointError(
                    path: file.path,
                    reason: "storage record '\(key)' runs past the end of the file (truncated?)")
            }
            ranges[key] = (p + 8)..<(p + 8 + size)
            p += 8 + size
        }
        return ranges
    }
}
