#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a crash never leaves a half-written file in place of a good one: the
/// bytes go to a temporary file in the same folder, are flushed to disk, and the temporary
/// file is renamed over the target (rename is atomic within a file system).
public enum AtomicFile {
    /// Writes the chunks `produce` hands to `write` into `path`, atomically.
    public static func write(
        to path: String, _ produce: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TensorError.io("\(path): cannot create \(temporary): \(errnoText())") }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            try produce { bytes in
                var done = 0
                while done < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw TensorError.io("\(path): write failed: \(errnoText())")
                    }
                    done += n
                }
            }
            guard fsync(fd) == 0 else { throw TensorError.io("\(path): fsync failed: \(errnoText())") }
            closed = true
            guard close(fd) == 0 else { throw TensorError.io("\(path): close failed: \(errnoText())") }
            guard rename(temporary, path) == 0 else { throw TensorError.io("\(path): rename failed: \(errnoText())") }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { write in try bytes.withUnsafeBytes { try write($0) } }
    }
}

/// The text of the current `errno`.
func errnoText() -> String { String(cString: strerror(errno)) }
