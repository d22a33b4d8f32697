import Foundation
import Synchronization
import TensorCore

/// A disk cache of decoded, preprocessed samples, so that epochs after the first decode nothing.
///
/// One safetensors file per sample — the frames as 8-bit RGB `[T, H, W, 3]` before the float
/// conversion and normalization, the voice as float32 — written atomically (a temporary file
/// renamed into place) by whichever worker decoded it. The file is named by a
/// 128-bit hash of the key, and the full key is stored in the file's metadata and compared on
/// reading. The key holds everything that changes the decoded tensors: each source file's
/// canonical path, modification time (nanoseconds) and size, the row's range, and the decode
/// options. Editing or replacing a file therefore misses the cache and decodes afresh; stale
/// files are never read, and never deleted either (delete the folder to reclaim the space).
///
/// 8 frames at 224×224 and 3 s of 16 kHz voice take 1.4 MB per clip; reading one back costs
/// the byte-to-float table lookup that decoding ends with anyway.
public struct SampleCache: Sendable {
    /// The folder holding the cache files.
    public let directory: String
    /// Where the first failed write is reported (once per cache).
    public let warn: @Sendable (String) -> Void
    private let failures = Once()

    /// A cache in `directory`, created (with its parents) when missing.
    /// - Parameter warn: where the first failed write is reported; standard error by default.
    public init(directory: String, warn: @escaping @Sendable (String) -> Void = SampleCache.warnOnStandardError) throws
    {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.invalidArgument("\(directory): cannot create the cache folder")
        }
        self.directory = directory
        self.warn = warn
    }

    /// Writes `message` on standard error as `ember: <message>` (worker threads may call it).
    public static func warnOnStandardError(_ message: String) {
        FileHandle.standardError.write(Data("ember: \(message)\n".utf8))
    }

    /// The key of a sample read from `files` (nil entries mean "no such source") with `details`,
    /// or nil when a file cannot be examined (decoding will then report why).
    func key(files: [String?], details: String) -> String? {
        var parts = ["ember sample cache 1"]
        for file in files {
            guard let file else {
                parts.append("-")
                continue
            }
            var info = stat()
            guard let real = realpath(file, nil) else { return nil }
            defer { free(real) }
            guard stat(real, &info) == 0 else { return nil }
            let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            parts.append("\(String(cString: real)) mtime \(mtime) size \(info.st_size)")
        }
        return (parts + [details]).joined(separator: "\n")
    }

    /// The cached sample for `key`, or nil on a miss (no file, another key, a damaged file).
    func load(key: String) -> CachedSample? {
        SampleCacheFile.read(path(for: key), key: key)
    }

    /// Stores `sample` under `key`, atomically (temporary file, fsync, rename). A failed write (a
    /// full disk, a folder gone) costs only the caching: the sample is used as decoded, and the
    /// first failure of this cache is reported through ``warn``.
    func store(_ sample: CachedSample, key: String) {
        do {
            try SampleCacheFile.write(sample, key: key, to: path(for: key))
        } catch {
            guard failures.first() else { return }
            warn("warning: cannot write to the sample cache \(directory): \(error); samples are decoded without it")
        }
    }

    private func path(for key: String) -> String {
        // Two FNV-1a hashes with different offsets: 128 bits, so a collision is never expected,
        // and the stored key rules one out anyway.
        var a: UInt64 = 0xCBF2_9CE4_8422_2325, b: UInt64 = 0x6C62_272E_07BB_0142
        for byte in key.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = [a, b].map { String($0, radix: 16) }.map { String(repeating: "0", count: 16 - $0.count) + $0 }
        return directory + "/" + hex.joined() + ".safetensors"
    }
}

/// True the first time only, from any thread.
private final class Once: Sendable {
    private let done = Atomic<Bool>(false)

    func first() -> Bool { !done.exchange(true, ordering: .relaxed) }
}
