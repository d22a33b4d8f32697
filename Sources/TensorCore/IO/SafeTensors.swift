import FoundationEssentials

/// The safetensors format (MODELS.md §1): an 8-byte little-endian header length N, N bytes of
/// JSON describing each tensor (`dtype`, `shape`, `data_offsets` into the data buffer), then the
/// data buffer. Reading maps the file and hands out tensors that view it without copying.
public struct SafeTensorsFile {
    /// One tensor's entry in the header.
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data buffer.
        public let range: Range<Int>
    }

    public let path: String
    /// The `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// Entries by tensor name.
    public let entries: [String: Entry]
    private let file: MappedFile
    private let dataStart: Int

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Opens and validates `path`: header size, JSON, dtypes, shapes, and that every tensor's
    /// byte range fits the file, matches its shape and overlaps no other.
    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        func fail(_ why: String) -> TensorError { .io("\(path): not a valid safetensors file: \(why)") }
        guard file.size >= 8 else { throw fail("the file has \(file.size) bytes, fewer than the 8-byte header length") }
        let n = file.base.loadUnaligned(as: UInt64.self).littleEndian
        guard n <= UInt64(file.size - 8) else {
            throw fail("the header length \(n) exceeds the file size \(file.size)")
        }
        dataStart = 8 + Int(n)
        let headerBytes = UnsafeRawBufferPointer(start: file.base + 8, count: Int(n))
        let header: [String: HeaderValue]
        do {
            header = try JSONDecoder().decode([String: HeaderValue].self, from: Data(headerBytes))
        } catch {
            throw fail("the header is not a JSON object of tensor entries (\(error))")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        let bufferSize = file.size - dataStart
        for (name, value) in header {
            switch value {
            case .metadata(let m):
                guard name == "__metadata__" else { throw fail("entry '\(name)' has no dtype/shape/data_offsets") }
                metadata = m
            case .tensor(let dtype, let shape, let offsets):
                guard name != "__metadata__" else { throw fail("__metadata__ must map strings to strings") }
                guard let size = SafeTensorsFile.elementSize(dtype) else {
                    throw fail("tensor '\(name)' has unknown dtype \(dtype)")
                }
                guard shape.allSatisfy({ $0 >= 0 }), offsets.count == 2 else {
                    throw fail("tensor '\(name)' has a bad shape or data_offsets")
                }
                let (begin, end) = (offsets[0], offsets[1])
                guard begin >= 0, begin <= end, end <= bufferSize else {
                    throw fail(
                        "tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(bufferSize)-byte data buffer"
                    )
                }
                let (count, overflow) = shape.reduce((1, false)) { acc, d in
                    let r = acc.0.multipliedReportingOverflow(by: d)
                    return (r.partialValue, acc.1 || r.overflow)
                }
                guard !overflow, count.multipliedReportingOverflow(by: size) == (end - begin, false) else {
                    throw fail(
                        "tensor '\(name)' of shape \(describe(shape)) and dtype \(dtype) needs \(count &* size) bytes but data_offsets give \(end - begin)"
                    )
                }
                entries[name] = Entry(dtype: dtype, shape: shape, range: begin..<end)
            }
        }
        // Zero-size tensors occupy no bytes, so they cannot overlap anything.
        let sorted = entries.filter { !$0.value.range.isEmpty }.sorted {
            $0.value.range.lowerBound < $1.value.range.lowerBound
        }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.value.range.lowerBound < a.value.range.upperBound {
            throw fail("tensors '\(a.key)' and '\(b.key)' overlap in the data buffer")
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// The tensor `name`: a view of the mapped file for F32, F64, I64, BOOL, F16 and BF16 (when
    /// aligned), a converted copy for the other integer types (as int64).
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw TensorError.io("\(path): no tensor named '\(name)'") }
        let start = file.base + dataStart + e.range.lowerBound
        let direct: [String: DType] = [
            "F32": .float32, "F64": .float64, "I64": .int64, "BOOL": .bool, "F16": .float16, "BF16": .bfloat16,
        ]
        if let type = direct[e.dtype] {
            let storage = Storage(borrowing: start, byteCount: e.range.count, owner: file)
            let view = Tensor(storage: storage, shape: e.shape, strides: Tensor.contiguousStrides(e.shape), dtype: type)
            return Int(bitPattern: start) % type.byteCount == 0 ? view : view.copied()
        }
        let out = Tensor(zeros: e.shape, dtype: .int64)
        let p = out.pointer(as: Int64.self), raw = UnsafeRawPointer(start)
        for i in 0..<out.count {
            switch e.dtype {
            case "I32": p[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self).littleEndian)
            case "I16": p[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self).littleEndian)
            case "I8": p[i] = Int64(raw.load(fromByteOffset: i, as: Int8.self))
            case "U8": p[i] = Int64(raw.load(fromByteOffset: i, as: UInt8.self))
            case "U16": p[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian)
            case "U32": p[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
            default:
                throw TensorError.io("\(path): tensor '\(name)' has dtype \(e.dtype), which Ember cannot convert")
            }
        }
        return out
    }

    /// The raw little-endian bytes of the entry `name`, whatever its dtype (for `U8` frames, which
    /// ``tensor(_:)`` would widen to int64).
    public func bytes(_ name: String) throws -> [UInt8] {
        guard let e = entries[name] else { throw TensorError.io("\(path): no tensor named '\(name)'") }
        return Array(UnsafeRawBufferPointer(start: file.base + dataStart + e.range.lowerBound, count: e.range.count))
    }

    /// Every tensor by name.
    public func tensors() throws -> [String: Tensor] {
        try Dictionary(uniqueKeysWithValues: names.map { ($0, try tensor($0)) })
    }

    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64", "C64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "BOOL", "I8", "U8", "F8_E4M3", "F8_E5M2", "F8_E4M3FNUZ", "F8_E5M2FNUZ": return 1
        default: return nil
        }
    }
}

/// A header value: a tensor entry, or the string map under `__metadata__`.
private enum HeaderValue: Decodable {
    case tensor(dtype: String, shape: [Int], offsets: [Int])
    case metadata([String: String])

    private enum Keys: String, CodingKey { case dtype, shape, data_offsets }

    init(from decoder: Decoder) throws {
        if let c = try? decoder.container(keyedBy: Keys.self), c.contains(.dtype) {
            self = .tensor(
                dtype: try c.decode(String.self, forKey: .dtype), shape: try c.decode([Int].self, forKey: .shape),
                offsets: try c.decode([Int].self, forKey: .data_offsets))
        } else {
            self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
        }
    }
}
