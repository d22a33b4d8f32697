import FoundationEssentials
import Testing
import TensorCore
import TestSupport

@Suite("safetensors")
struct SafeTensorsTests {
    struct Expected: Decodable { let shape: [Int]; let values: [Number] }
    /// A number, or "inf"/"-inf" (JSON has no infinities).
    struct Number: Decodable {
        let value: Double
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) {
                value = d
            } else {
                value = try c.decode(String.self) == "inf" ? .infinity : -.infinity
            }
        }
    }

    /// Every dtype written by the Python package reads back with the exact values.
    @Test func readsPythonWrittenDtypes() throws {
        let file = try SafeTensorsFile(path: Fixtures.path("tensor/dtypes.safetensors"))
        let expected = try JSONDecoder().decode(
            [String: Expected].self,
            from: Data(contentsOf: URL(filePath: Fixtures.path("tensor/dtypes.json"))))
        #expect(file.metadata == ["format": "pt", "note": "ember fixture"])
        #expect(Set(file.names) == Set(expected.keys))
        for (name, e) in expected {
            let t = try file.tensor(name)
            #expect(t.shape == e.shape, "\(name)")
            let got = t.toArray(of: Double.self)
            #expect(got == e.values.map(\.value), "\(name)")
        }
        #expect(try file.tensor("f16").dtype == .float16)
        #expect(try file.tensor("bf16").dtype == .bfloat16)
        #expect(try file.tensor("i32").dtype == .int64)
    }

    @Test func readsShardedCheckpoint() throws {
        let sharded = try SafeTensors.loadSharded(indexPath: Fixtures.path("tensor/model.safetensors.index.json"))
        let whole = try SafeTensors.load(path: Fixtures.path("tensor/sharded-expected.safetensors"))
        #expect(Set(sharded.keys) == Set(whole.keys))
        for (k, t) in whole { #expect(sharded[k]!.toArray(of: Double.self) == t.toArray(of: Double.self)) }
    }

    /// Writing then reading gives the same names, dtypes, shapes, values and metadata; the
    /// header is padded to 8 bytes as Hugging Face's writer does.
    @Test func writesAndReadsBack() throws {
        let dir = try Fixtures.temporaryDirectory("st")
        let original = try SafeTensors.load(path: Fixtures.path("tensor/dtypes.safetensors"))
        var tensors = original.filter {
            ["f32", "f64", "f16", "bf16", "i64", "bool", "scalar", "empty"].contains($0.key)
        }
        tensors["strided"] = try Tensor.arange(0, 12, dtype: .float32).reshaped([3, 4]).t()
        let path = dir + "/out.safetensors"
        try SafeTensors.save(tensors, metadata: ["format": "pt"], to: path)
        let back = try SafeTensorsFile(path: path)
        #expect(back.metadata == ["format": "pt"])
        for (k, t) in tensors {
            let r = try back.tensor(k)
            #expect(r.dtype == t.dtype && r.shape == t.shape, "\(k)")
            #expect(r.toArray(of: Double.self) == t.toArray(of: Double.self), "\(k)")
        }
        let bytes = try Data(contentsOf: URL(filePath: path))
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + n) % 8 == 0)
    }

    /// Loaded tensors may be updated in place (fine-tuning) without touching the file.
    @Test func mappedTensorsAreCopyOnWrite() throws {
        let dir = try Fixtures.temporaryDirectory("cow")
        let path = dir + "/w.safetensors"
        try SafeTensors.save(["w": Tensor.ones([4])], to: path)
        let w = try SafeTensors.load(path: path)["w"]!
        try w.assign(Tensor.full([4], 7))
        #expect(w.scalars == [7, 7, 7, 7])
        #expect(try SafeTensors.load(path: path)["w"]!.scalars == [1, 1, 1, 1])
    }

    @Test(arguments: [
        ("truncated", "fewer than the 8-byte header length"),
        ("header-too-long", "exceeds the file size"),
        ("garbled", "not a JSON object"),
        ("out-of-range", "outside the"),
        ("overlap", "overlap"),
        ("wrong-size", "needs 16 bytes but data_offsets give 12"),
        ("bad-dtype", "unknown dtype"),
    ])
    func rejectsBrokenFiles(_ kind: String, _ reason: String) throws {
        let dir = try Fixtures.temporaryDirectory("bad")
        let path = dir + "/\(kind).safetensors"
        try AtomicFile.write(brokenFile(kind), to: path)
        do {
            _ = try SafeTensorsFile(path: path)
            Issue.record("\(kind) was accepted")
        } catch let error as TensorError {
            #expect(error.description.contains(path), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    /// Raw entries (`U8` frames for the sample cache) are written as given and read back byte
    /// for byte, beside ordinary tensors; a byte count that does not fit the shape is refused.
    @Test func rawByteEntriesRoundTrip() throws {
        let path = try Fixtures.temporaryDirectory("raw") + "/r.safetensors"
        let pixels = (0..<(2 * 3 * 5 * 3)).map { UInt8($0 % 251) }
        let voice = try Tensor(shape: [4], scalars: [Float(0.5), -1, 2, 3])
        try SafeTensors.save(
            ["voice": voice], bytes: ["frames": SafeTensorsBytes(dtype: "U8", shape: [2, 3, 5, 3], bytes: pixels)],
            metadata: ["k": "v"], to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(file.entries["frames"]?.dtype == "U8" && file.entries["frames"]?.shape == [2, 3, 5, 3])
        #expect(try file.bytes("frames") == pixels)
        #expect(try file.tensor("voice").toArray(of: Float.self) == [0.5, -1, 2, 3])
        #expect(file.metadata == ["k": "v"])
        #expect(throws: TensorError.self) {
            try SafeTensors.save(
                [:], bytes: ["f": SafeTensorsBytes(dtype: "U8", shape: [2, 2], bytes: [1, 2, 3])], to: path)
        }
        #expect(throws: TensorError.self) {
            try SafeTensors.save([:], bytes: ["f": SafeTensorsBytes(dtype: "U9", shape: [1], bytes: [1])], to: path)
        }
    }

    /// A zero-size tensor may share its offset with a neighbour (it occupies no bytes); the
    /// overlap check once rejected this depending on dictionary order.
    @Test func acceptsZeroSizeTensorAtANeighboursOffset() throws {
        let header =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"z":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}"#
        let h = Array(header.utf8)
        let bytes = withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + [UInt8](repeating: 0, count: 8)
        let path = try Fixtures.temporaryDirectory("zero") + "/z.safetensors"
        for _ in 0..<20 {  // dictionary order varies between runs of the parser
            try AtomicFile.write(bytes, to: path)
            let f = try SafeTensorsFile(path: path)
            #expect(try f.tensor("e").shape == [0, 3])
        }
    }

    private func brokenFile(_ kind: String) -> [UInt8] {
        func file(_ header: String, data: Int) -> [UInt8] {
            let h = Array(header.utf8)
            return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h
                + [UInt8](repeating: 0, count: data)
        }
        switch kind {
        case "truncated": return [1, 0, 0]
        case "header-too-long": return withUnsafeBytes(of: UInt64(1000).littleEndian, Array.init) + Array("{}".utf8)
        case "garbled": return file("{\"a\": [1, 2", data: 0)
        case "out-of-range": return file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: 8)
        case "overlap":
            return file(
                #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                data: 12)
        case "wrong-size": return file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,12]}}"#, data: 12)
        default: return file(#"{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}"#, data: 1)
        }
    }
}
