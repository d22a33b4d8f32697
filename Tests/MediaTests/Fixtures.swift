import Foundation

/// The committed media fixtures (Tests/Fixtures/media), located from this file's path.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/media")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// `manifest.json`, written by scripts/reference/media.py.
    nonisolated(unsafe) static let manifest: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func entry(_ name: String) -> [String: Any] { manifest[name] as! [String: Any] }
}

/// A minimal safetensors reader for the fixtures: an 8-byte little-endian header length, a
/// JSON header of `{name: {dtype, shape, data_offsets}}`, then the raw little-endian data.
struct SafeTensors {
    struct Entry {
        var dtype: String
        var shape: [Int]
        var bytes: Data
    }

    let entries: [String: Entry]

    init(_ name: String) throws {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent(name))
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.1) << (8 * $1.0) }
        let header =
            try JSONSerialization.jsonObject(with: data.subdata(in: 8..<8 + headerLength))
            as! [String: Any]
        var entries: [String: Entry] = [:]
        for (key, value) in header where key != "__metadata__" {
            let v = value as! [String: Any]
            let offsets = v["data_offsets"] as! [Int]
            let base = 8 + headerLength
            entries[key] = Entry(
                dtype: v["dtype"] as! String, shape: v["shape"] as! [Int],
                bytes: data.subdata(in: base + offsets[0]..<base + offsets[1]))
        }
        self.entries = entries
    }

    func shape(_ key: String) -> [Int] { entries[key]!.shape }

    func floats(_ key: String) -> [Float] { values(key, Float.self) }
    func doubles(_ key: String) -> [Double] { values(key, Double.self) }
    func bytes(_ key: String) -> [UInt8] { [UInt8](entries[key]!.bytes) }
    func ints(_ key: String) -> [Int] { values(key, Int64.self).map { Int($0) } }

    private func values<T>(_ key: String, _: T.Type) -> [T] {
        let bytes = entries[key]!.bytes
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / MemoryLayout<T>.size).map {
                raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)
            }
        }
    }
}

/// Mean absolute difference of two equally long sequences.
func meanAbsoluteDifference<S: Collection, T: Collection>(_ a: S, _ b: T) -> Double
where S.Element: BinaryInteger, T.Element: BinaryInteger {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
}

/// Largest absolute difference of two float sequences.
func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
