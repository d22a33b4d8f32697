import FoundationEssentials
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// Writes a checkpoint folder so that a crash never leaves a half-written checkpoint in place
/// of a good one: the files go to a temporary folder beside the target, each flushed to disk,
/// and the folder then takes the target's place in one atomic step.
///
/// Replacing an existing folder uses Linux's `renameat2(RENAME_EXCHANGE)`, which swaps the two
/// names atomically; the old checkpoint, now under the temporary name, is then deleted. Where
/// the file system cannot exchange, the old folder is first renamed to `<path>.previous`, and
/// ``resolve(_:)`` falls back to it if a crash came between the two renames.
public enum CheckpointFolder {
    /// Creates `path` atomically from what `fill` writes into the temporary folder it is given.
    /// - Throws: ``TrainingError/checkpoint(_:)`` when a folder cannot be made or renamed, and
    ///   whatever `fill` throws; either way an existing checkpoint at `path` is left as it was
    ///   and the temporary folder is removed.
    public static func write(to path: String, _ fill: (_ folder: String) throws -> Void) throws {
        let path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        let manager = FileManager.default
        let parent = parentFolder(of: path)
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw TrainingError.checkpoint("save: cannot create the folder \(parent): \(error)")
        }
        removeAbandoned(besides: path)
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(temporary, 0o755) == 0 else {
            throw TrainingError.checkpoint("save: cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        do {
            try fill(temporary)
            syncFolder(temporary)
            try replace(path, with: temporary)
            syncFolder(parent)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }

    /// The folder to read for the checkpoint `path`: `path` itself, or `<path>.previous` when a
    /// replacement was cut short between its two renames.
    /// - Throws: ``TrainingError/checkpoint(_:)`` when neither exists.
    public static func resolve(_ path: String) throws -> String {
        if kind(of: path) == .folder { return path }
        if kind(of: path + ".previous") == .folder { return path + ".previous" }
        throw TrainingError.checkpoint("resume: \(path) is not a checkpoint folder (it does not exist)")
    }

    private static func replace(_ path: String, with temporary: String) throws {
        switch kind(of: path) {
        case .missing:
            try rename(temporary, to: path)
            return
        case .other:
            throw TrainingError.checkpoint("save: \(path) exists and is not a folder; choose another path")
        case .folder:
            break
        }
        if let exchange = renameExchange, exchange(AT_FDCWD, temporary, AT_FDCWD, path, renameExchangeFlag) == 0 {
            try? FileManager.default.removeItem(atPath: temporary)  // now the old checkpoint
            return
        }
        let previous = path + ".previous"
        try? FileManager.default.removeItem(atPath: previous)
        try rename(path, to: previous)
        try rename(temporary, to: path)
        try? FileManager.default.removeItem(atPath: previous)
    }

    private static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw TrainingError.checkpoint("save: cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes temporary folders of saves to `path` whose process no longer runs (a crash
    /// mid-save leaves one behind).
    private static func removeAbandoned(besides path: String) {
        let parent = parentFolder(of: path)
        let prefix = String(path.split(separator: "/").last ?? "") + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap { Int32($0) }
            if let pid, kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: parent + "/" + name)
            }
        }
    }

    private enum Kind { case missing, folder, other }

    private static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return info.st_mode & S_IFMT == S_IFDIR ? .folder : .other
    }

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Flushes a folder's entries (the renames and new files in it) to disk.
    private static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private typealias RenameAt2 =
        @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// `RENAME_EXCHANGE` from `<linux/fs.h>`.
    private static let renameExchangeFlag: UInt32 = 2

    /// glibc's `renameat2` (2.28 and later), looked up at run time because its declaration
    /// needs `_GNU_SOURCE`, which the Glibc module does not set.
    private static let renameExchange: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()
}
