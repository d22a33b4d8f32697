import Models
import TensorCore
import Testing

/// PyTorch files read back bit-exact against the safetensors twins written by the reference script.
@Suite struct CheckpointFormatTests {
    @Test(arguments: [
        ("zip.pt", "twin.safetensors"), ("zip-protocol5.pt", "twin.safetensors"), ("zip64.pt", "twin.safetensors"),
        ("big-endian.pt", "twin.safetensors"), ("legacy.pt", "twin-legacy.safetensors"),
        ("legacy-protocol4.pt", "twin-legacy.safetensors"), ("nested.pt", "nested.safetensors"),
    ])
    func readsBitExact(file: String, twin: String) throws {
        let got = try TorchCheckpoint.read(path: CheckpointFixture.path(file))
        let expected = try SafeTensors.load(path: CheckpointFixture.path(twin))
        #expect(differences(got, expected) == [])
    }

    /// Strides, storage offsets and shared storages are those torch.load gives.
    @Test(arguments: [("zip.pt", "twin.safetensors"), ("legacy.pt", "twin-legacy.safetensors")])
    func keepsLayoutAndSharing(file: String, twin: String) throws {
        let got = try TorchCheckpoint.read(path: CheckpointFixture.path(file))
        let layouts = try CheckpointFixture.layouts(of: twin)
        #expect(layouts.count == got.count)
        for (name, layout) in layouts {
            let t = try #require(got[name])
            #expect(t.strides == layout.stride, "\(name)")
            #expect(t.offset == layout.offset, "\(name)")
            for (other, otherLayout) in layouts where other != name {
                let shared = t.storage === got[other]!.storage
                #expect(shared == (layout.storage == otherLayout.storage), "\(name) and \(other)")
            }
        }
    }

    @Test func widensNarrowIntegersAndKeepsHalfTypes() throws {
        let got = try TorchCheckpoint.read(path: CheckpointFixture.path("zip.pt"))
        #expect(got["f16"]?.dtype == .float16)
        #expect(got["bf16"]?.dtype == .bfloat16)
        for name in ["i32", "i16", "i8", "u8", "u16"] { #expect(got[name]?.dtype == .int64, "\(name)") }
        #expect(got["u16"]?.toArray(of: Int64.self) == [1, 65535, 300])
    }
}
