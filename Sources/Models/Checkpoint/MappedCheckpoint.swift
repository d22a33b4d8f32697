#if canImport(Glibc)
import Glibc
#endif

/// A checkpoint file mapped into memory. Tensors borrow its pages directly where the layout
/// allows (the zip format aligns every storage to 64 bytes), so a large checkpoint is not copied
/// on load. The mapping is private and writable: fine-tuning may update those tensors in place,
/// which copies the touched pages and never writes to the file.
final class MappedCheckpoint: @unchecked Sendable {
    let path: String
    let base: UnsafeMutableRawPointer
    let size: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError(path: path, reason: "cannot open: \(MappedCheckpoint.errorText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw CheckpointError(path: path, reason: "cannot stat: \(MappedCheckpoint.errorText())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
        if size == 0 {
            base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
            return
        }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError(path: path, reason: "cannot map: \(MappedCheckpoint.errorText())")
        }
        base = p
    }

    deinit {
        if size == 0 { base.deallocate() } else { munmap(base, size) }
    }

    /// The bytes `range`, or nil when the range runs past the end of the file.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer? {
        guard range.lowerBound >= 0, range.upperBound <= size else { return nil }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The whole file.
    var all: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

extension UnsafeRawBufferPointer {
    /// A little-endian unsigned integer of `T`'s width at `offset` (the caller checks bounds).
    @inline(__always)
    func littleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
