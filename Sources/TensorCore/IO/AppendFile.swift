#if canImport(Glibc)
import Glibc
#endif

/// A file that grows by whole records at its end — the session journal, `metrics.jsonl` — and is
/// never left holding part of one: a record that does not fit (a full disk) is cut back off,
/// and one cut off at the end by a crash is removed when the file is opened again.
public final class AppendFile {
    /// Why a record could not be appended.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        /// The system's reason (`No space left on device`).
        public let reason: String

        public var description: String { "cannot append to \(path): \(reason)" }
    }

    public let path: String
    private let descriptor: Int32
    /// The length of the file up to its last whole record.
    private var length: off_t

    /// Opens `path` for appending (creating it), first cutting off a record without its ending
    /// `terminator` at the end.
    /// - Throws: ``TensorError/io(_:)`` when the file cannot be opened.
    public init(path: String, terminator: UInt8 = 0x0A) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TensorError.io("\(path): cannot open for appending: \(errnoText())") }
        var end = lseek(descriptor, 0, SEEK_END)
        var byte: UInt8 = 0
        while end > 0, pread(descriptor, &byte, 1, end - 1) == 1, byte != terminator { end -= 1 }
        length = max(end, 0)
        if ftruncate(descriptor, length) != 0 { length = lseek(descriptor, 0, SEEK_END) }  // a device
    }

    deinit {
        close(descriptor)
    }

    /// Appends `record` whole, or not at all.
    /// - Throws: ``Failure`` with the system's reason; the file is as it was.
    public func append(_ record: [UInt8]) throws {
        if let reason = record.withUnsafeBytes({ writeAll(descriptor, $0) }) {
            _ = ftruncate(descriptor, length)
            throw Failure(path: path, reason: reason)
        }
        length += off_t(record.count)
    }
}

/// Writes all of `bytes` to `fd` (retrying after signals and short writes); the system's reason
/// when it cannot.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    var done = 0
    while done < bytes.count {
        errno = 0
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return errno == 0 ? "the disk took no bytes" : errnoText() }
        done += n
    }
    return nil
}
