import FoundationEssentials

/// Reading whole files and sharded checkpoints, and writing safetensors files.
public enum SafeTensors {
    /// Every tensor of one safetensors file.
    public static func load(path: String) throws -> [String: Tensor] {
        try SafeTensorsFile(path: path).tensors()
    }

    /// Every tensor of a sharded checkpoint, from its `model.safetensors.index.json`: the index's
    /// `weight_map` names the shard that holds each tensor.
    public static func loadSharded(indexPath: String) throws -> [String: Tensor] {
        let folder = indexPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        struct Index: Decodable { let weight_map: [String: String] }
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(filePath: indexPath)) } catch {
            throw TensorError.io("\(indexPath): cannot read the shard index: \(error)")
        }
        let index: Index
        do { index = try JSONDecoder().decode(Index.self, from: bytes) } catch {
            throw TensorError.io("\(indexPath): not a safetensors index (a JSON object with weight_map): \(error)")
        }
        var shards: [String: SafeTensorsFile] = [:]
        var result: [String: Tensor] = [:]
        for (name, shard) in index.weight_map.sorted(by: { $0.key < $1.key }) {
            guard !shard.contains("/") else {
                throw TensorError.io("\(indexPath): shard name '\(shard)' must be a file in the same folder")
            }
            let file = try shards[shard] ?? SafeTensorsFile(path: folder.isEmpty ? shard : folder + "/" + shard)
            shards[shard] = file
            guard file.entries[name] != nil else {
                throw TensorError.io("\(indexPath): the index puts '\(name)' in \(shard), which does not contain it")
            }
            result[name] = try file.tensor(name)
        }
        return result
    }

    /// Writes `tensors` (any layout; stored contiguous, in their own dtype) and `bytes` (entries of
    /// a dtype Ember has no tensor type for, such as `U8` frames) with optional string
    /// `metadata`, atomically. Names are stored sorted; the header is padded with spaces to a
    /// multiple of 8 bytes, as Hugging Face's writer does.
    /// - Throws: ``TensorError/invalidArgument(_:)`` for a name in both tables, an unknown dtype or
    ///   a byte count that does not match a shape; ``TensorError/io(_:)`` when writing fails.
    public static func save(
        _ tensors: [String: Tensor], bytes: [String: SafeTensorsBytes] = [:], metadata: [String: String]? = nil,
        to path: String
    ) throws {
        var entries: [(name: String, dtype: String, shape: [Int], write: (Writer) throws -> Void)] = []
        for (name, tensor) in tensors {
            let t = tensor.detached().contiguous()
            let data = UnsafeRawBufferPointer(
                start: t.storage.base + t.offset * t.dtype.byteCount, count: t.count * t.dtype.byteCount)
            entries.append((name, code(t.dtype), t.shape, { write in try withExtendedLifetime(t) { try write(data) } }))
        }
        for (name, entry) in bytes {
            guard tensors[name] == nil else { throw TensorError.invalidArgument("safetensors: '\(name)' given twice") }
            try entry.validate(name)
            entries.append(
                (name, entry.dtype, entry.shape, { write in try entry.bytes.withUnsafeBytes { try write($0) } }))
        }
        entries.sort { $0.name < $1.name }
        var parts: [String] = []
        if let metadata {
            let fields = metadata.sorted { $0.key < $1.key }.map {
                "\(JSONValue.literal($0.key)):\(JSONValue.literal($0.value))"
            }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for entry in entries {
            let size = entry.shape.reduce(SafeTensorsFile.elementSize(entry.dtype)!, *)
            parts.append(
                "\(JSONValue.literal(entry.name)):{\"dtype\":\"\(entry.dtype)\",\"shape\":[\(entry.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}"
            )
            offset += size
        }
        var headerBytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        try AtomicFile.write(to: path) { write in
            var n = UInt64(headerBytes.count).littleEndian
            try withUnsafeBytes(of: &n) { try write($0) }
            try headerBytes.withUnsafeBytes { try write($0) }
            for entry in entries { try entry.write(write) }
        }
    }

    private typealias Writer = (UnsafeRawBufferPointer) throws -> Void

    private static func code(_ d: DType) -> String {
        switch d {
        case .float32: return "F32"
        case .float64: return "F64"
        case .int64: return "I64"
        case .bool: return "BOOL"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        }
    }
}

/// One safetensors entry given as its raw little-endian bytes, for a dtype Ember has no tensor
/// type for: the sample cache stores frames as `U8` `[T, H, W, 3]`, a quarter of their float size.
public struct SafeTensorsBytes: Sendable {
    /// The safetensors dtype code (`U8`, `I32`, …).
    public let dtype: String
    public let shape: [Int]
    /// Row-major, little-endian, `shape`'s element count times the dtype's size.
    public let bytes: [UInt8]

    public init(dtype: String, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    fileprivate func validate(_ name: String) throws {
        guard let size = SafeTensorsFile.elementSize(dtype) else {
            throw TensorError.invalidArgument("safetensors: '\(name)' has unknown dtype \(dtype)")
        }
        let (count, overflow) = shape.reduce((size, false)) { acc, d in
            let r = acc.0.multipliedReportingOverflow(by: d)
            return (r.partialValue, acc.1 || r.overflow || d < 0)
        }
        guard !overflow, count == bytes.count else {
            let need = overflow ? "a shape that is negative or too large" : "\(count) bytes"
            throw TensorError.invalidArgument(
                "safetensors: '\(name)' of shape \(describe(shape)) and dtype \(dtype) has \(bytes.count) bytes, "
                    + "not \(need)")
        }
    }
}
