import CZlib
import TensorCore

/// The central directory of a zip archive, as `torch.save` writes them: stored (uncompressed)
/// entries, sizes in the central directory (PyTorch sets the data-descriptor flag and leaves the
/// local sizes zero), ZIP64 end records always, and ZIP64 extra fields for entries or offsets
/// past 4 GB. Reading maps the file; an entry's bytes are a slice of the mapping.
struct ZipArchive {
    /// One stored file.
    struct Entry {
        let name: String
        /// Byte range of the entry's data within the archive file.
        let range: Range<Int>
        let crc32: UInt32
    }

    let file: MappedFile
    /// Entries in central-directory order.
    let entries: [Entry]
    private let index: [String: Int]

    var path: String { file.path }

    /// Reads the central directory of `file`.
    /// - Throws: ``CheckpointError`` for a missing or damaged directory, multi-disk archives,
    ///   compressed or encrypted entries, and entries that run past the end of the file.
    init(file: MappedFile) throws {
        self.file = file
        let bytes = file.all
        func fail(_ why: String) -> CheckpointError {
            CheckpointError(path: file.path, reason: "not a readable zip archive: \(why)")
        }
        let directory = try ZipArchive.locateDirectory(bytes, fail: fail)
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var p = directory.offset
        for n in 0..<directory.count {
            guard p + 46 <= bytes.count, bytes.littleEndian(UInt32.self, at: p) == 0x0201_4B50 else {
                throw fail(
                    "central-directory entry \(n) at byte \(p) is missing or damaged (the file may be truncated)")
            }
            let flags = bytes.littleEndian(UInt16.self, at: p + 8)
            let method = bytes.littleEndian(UInt16.self, at: p + 10)
            let crc = bytes.littleEndian(UInt32.self, at: p + 16)
            var compressedSize = UInt64(bytes.littleEndian(UInt32.self, at: p + 20))
            var size = UInt64(bytes.littleEndian(UInt32.self, at: p + 24))
            let nameLength = Int(bytes.littleEndian(UInt16.self, at: p + 28))
            let extraLength = Int(bytes.littleEndian(UInt16.self, at: p + 30))
            let commentLength = Int(bytes.littleEndian(UInt16.self, at: p + 32))
            var localOffset = UInt64(bytes.littleEndian(UInt32.self, at: p + 42))
            let end = p + 46 + nameLength + extraLength + commentLength
            guard end <= bytes.count else { throw fail("central-directory entry \(n) runs past the end of the file") }
            let name = String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)
            // A ZIP64 extra field holds, in this order, only the values whose 32-bit slot is 0xFFFFFFFF.
            let extra = UnsafeRawBufferPointer(
                rebasing: bytes[(p + 46 + nameLength)..<(p + 46 + nameLength + extraLength)])
            if let zip64 = ZipArchive.zip64Field(extra) {
                var q = 0
                func next() throws -> UInt64 {
                    guard q + 8 <= zip64.count else { throw fail("entry '\(name)' has a short ZIP64 extra field") }
                    defer { q += 8 }
                    return zip64.littleEndian(UInt64.self, at: q)
                }
                if size == 0xFFFF_FFFF { size = try next() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try next() }
                if localOffset == 0xFFFF_FFFF { localOffset = try next() }
            }
            guard flags & 1 == 0 else { throw fail("entry '\(name)' is encrypted") }
            guard method == 0 else {
                throw fail(
                    "entry '\(name)' is compressed (method \(method)); PyTorch writes stored entries and Ember reads only those"
                )
            }
            guard compressedSize == size else {
                throw fail("stored entry '\(name)' has different compressed and plain sizes")
            }
            let data = try ZipArchive.dataRange(bytes, localOffset: localOffset, size: size, name: name, fail: fail)
            index[name] = entries.count
            entries.append(Entry(name: name, range: data, crc32: crc))
            p = end
        }
        self.entries = entries
        self.index = index
    }

    /// The entry named `name`.
    func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The bytes of `entry`.
    func data(_ entry: Entry) -> UnsafeRawBufferPointer { file.bytes(entry.range)! }

    // MARK: - Layout

    /// Finds the end-of-central-directory record (and its ZIP64 twin when present) and returns
    /// where the directory starts and how many entries it has.
    private static func locateDirectory(
        _ bytes: UnsafeRawBufferPointer, fail: (String) -> CheckpointError
    ) throws -> (offset: Int, count: Int) {
        // The record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
        guard bytes.count >= 22 else { throw fail("the file has \(bytes.count) bytes, too few for a zip archive") }
        var eocd = -1
        var p = bytes.count - 22
        while p >= max(0, bytes.count - 22 - 65535) {
            if bytes.littleEndian(UInt32.self, at: p) == 0x0605_4B50,
                p + 22 + Int(bytes.littleEndian(UInt16.self, at: p + 20)) == bytes.count
            {
                eocd = p
                break
            }
            p -= 1
        }
        guard eocd >= 0 else { throw fail("no end-of-central-directory record (the file may be truncated)") }
        var count = UInt64(bytes.littleEndian(UInt16.self, at: eocd + 10))
        var offset = UInt64(bytes.littleEndian(UInt32.self, at: eocd + 16))
        let disk = bytes.littleEndian(UInt16.self, at: eocd + 4)
        // A ZIP64 locator sits just before the record; its end record holds the 64-bit values.
        let locator = eocd - 20
        if locator >= 0, bytes.littleEndian(UInt32.self, at: locator) == 0x0706_4B50 {
            let end64 = bytes.littleEndian(UInt64.self, at: locator + 8)
            guard end64 < UInt64(bytes.count), end64 + 56 <= UInt64(bytes.count),
                bytes.littleEndian(UInt32.self, at: Int(end64)) == 0x0606_4B50
            else {
                throw fail("the ZIP64 end-of-central-directory record is missing or damaged")
            }
            guard bytes.littleEndian(UInt32.self, at: Int(end64) + 16) == 0 else {
                throw fail("multi-disk archives are not supported")
            }
            count = bytes.littleEndian(UInt64.self, at: Int(end64) + 32)
            offset = bytes.littleEndian(UInt64.self, at: Int(end64) + 48)
        } else if disk != 0 {
            throw fail("multi-disk archives are not supported")
        }
        guard offset <= UInt64(bytes.count), count <= UInt64(bytes.count / 46) else {
            throw fail("the central directory (offset \(offset), \(count) entries) lies outside the file")
        }
        return (Int(offset), Int(count))
    }

    /// The ZIP64 extended-information field (id 1) among `extra`'s fields.
    private static func zip64Field(_ extra: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var q = 0
        while q + 4 <= extra.count {
            let id = extra.littleEndian(UInt16.self, at: q)
            let length = Int(extra.littleEndian(UInt16.self, at: q + 2))
            guard q + 4 + length <= extra.count else { return nil }
            if id == 1 { return UnsafeRawBufferPointer(rebasing: extra[(q + 4)..<(q + 4 + length)]) }
            q += 4 + length
        }
        return nil
    }

    /// Where an entry's data lies: after its local header, whose name and extra lengths can differ
    /// from the central directory's (PyTorch pads the local extra field to align the data).
    private static func dataRange(
        _ bytes: UnsafeRawBufferPointer, localOffset: UInt64, size: UInt64, name: String,
        fail: (String) -> CheckpointError
    ) throws -> Range<Int> {
        guard localOffset < UInt64(bytes.count), localOffset + 30 <= UInt64(bytes.count),
            bytes.littleEndian(UInt32.self, at: Int(localOffset)) == 0x0403_4B50
        else {
            throw fail("the local header of entry '\(name)' is missing or damaged")
        }
        let header = Int(localOffset)
        let start =
            header + 30 + Int(bytes.littleEndian(UInt16.self, at: header + 26))
            + Int(bytes.littleEndian(UInt16.self, at: header + 28))
        guard size <= UInt64(bytes.count), start + Int(size) <= bytes.count else {
            throw fail(
                "entry '\(name)' (\(size) bytes at byte \(start)) runs past the end of the \(bytes.count)-byte file (truncated?)"
            )
        }
        return start..<(start + Int(size))
    }
}

/// The CRC-32 of zip archives: zlib's.
enum CRC32 {
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(crc32_z(0, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count))
    }
}
