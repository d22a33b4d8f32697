import TensorCore

extension MappedFile {
    /// Maps the checkpoint at `path` (TensorCore's mapping; the zip format aligns every storage to
    /// 64 bytes, so tensors borrow its pages). Errors are ``CheckpointError``s naming the file.
    static func checkpoint(at path: String) throws -> MappedFile {
        do {
            return try MappedFile(path: path)
        } catch let error as TensorError {
            throw CheckpointError(path: path, tensorError: error)
        }
    }
}

extension CheckpointError {
    /// A TensorCore error about `path` as a checkpoint error (TensorCore's messages start with the path).
    init(path: String, tensorError error: TensorError) {
        let message = error.description
        self.init(
            path: path, reason: message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message)
    }
}

extension UnsafeRawBufferPointer {
    /// A little-endian unsigned integer of `T`'s width at `offset` (the caller checks bounds).
    @inline(__always)
    func littleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
