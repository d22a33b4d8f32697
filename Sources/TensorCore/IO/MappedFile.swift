#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped into memory, private and writable: tensors viewing it can be updated in
/// place (fine-tuning loaded weights) without ever writing to the file — pages are copied on
/// first write. Safetensors files and PyTorch checkpoints are both read through it, so large
/// weights are never copied on load.
public final class MappedFile: @unchecked Sendable {
    /// The file mapped.
    public let path: String
    /// The first byte of the mapping.
    public let base: UnsafeMutableRawPointer
    /// The file's size in bytes.
    public let size: Int

    /// Maps the regular file at `path`.
    /// - Throws: ``TensorError/io(_:)`` naming the file: `cannot open`, `not a regular file`,
    ///   `cannot map`, with the system's reason.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TensorError.io("\(path): cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw TensorError.io("\(path): cannot stat: \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw TensorError.io("\(path): not a regular file") }
        size = Int(info.st_size)
        if size == 0 {
            base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
            return
        }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw TensorError.io("\(path): cannot map: \(errnoText())")
        }
        base = p
    }

    deinit {
        if size == 0 { base.deallocate() } else { munmap(base, size) }
    }

    /// The bytes `range`, or nil when the range runs past the end of the file.
    public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer? {
        guard range.lowerBound >= 0, range.upperBound <= size else { return nil }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The whole file.
    public var all: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }
}
