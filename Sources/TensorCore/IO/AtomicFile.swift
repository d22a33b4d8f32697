#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a crash never leaves a half-written file in place of a good one, and a
/// finished write survives a power cut: the bytes go to a temporary file in the same folder,
/// the file is flushed to disk (`fsync`), renamed over the target (atomic within a file
/// system), and the folder is flushed so the rename itself is on disk. Every file Ember writes
/// whole — checkpoints, safetensors, configs, charts, saved sessions, notebooks — comes here.
public enum AtomicFile {
    /// Writes the chunks `produce` hands to `write` into `path`, atomically.
    /// - Throws: ``TensorError/io(_:)`` naming `path`, the step and the system's reason (`No
    ///   space left on device`); the target is then unchanged and the temporary file removed.
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
                if let reason = writeAll(fd, bytes) { throw TensorError.io("\(path): write failed: \(reason)") }
            }
            guard fsync(fd) == 0 else { throw TensorError.io("\(path): fsync failed: \(errnoText())") }
            closed = true
            guard close(fd) == 0 else { throw TensorError.io("\(path): close failed: \(errnoText())") }
            guard rename(temporary, path) == 0 else { throw TensorError.io("\(path): rename failed: \(errnoText())") }
        } catch {
            unlink(temporary)
            throw error
        }
        try syncFolder(of: path)
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { write in try bytes.withUnsafeBytes { try write($0) } }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Flushes the folder holding `path`, so that the rename is durable. File systems that cannot
    /// flush a folder (`EINVAL`) are left as they are.
    private static func syncFolder(of path: String) throws {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw TensorError.io("\(path): cannot open its folder to flush it: \(errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 || errno == EINVAL else {
            throw TensorError.io("\(path): written, but flushing its folder failed: \(errnoText())")
        }
    }
}

/// The text of the current `errno`.
func errnoText() -> String { String(cString: strerror(errno)) }
