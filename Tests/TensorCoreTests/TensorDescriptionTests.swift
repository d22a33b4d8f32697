import TensorCore
import Testing

/// `Tensor.description` is the printer Lua's `tostring` uses too; these values are PyTorch's
/// (torch 2.15 printed them; Tests/lua/tensor_display.lua holds the full table).
@Suite struct TensorDescriptionTests {
    @Test func printsAHeaderThenPyTorchsValues() throws {
        let t = try Tensor(shape: [2, 3], scalars: [Float(1.5), 2, 3, 4, 5, 6])
        #expect("\(t)" == "Tensor float32 [2, 3]\n[[1.5000, 2.0000, 3.0000],\n [4.0000, 5.0000, 6.0000]]")
        let ids = try Tensor(shape: [2], scalars: [Int64(12_345_678_901), -2])
        #expect(ids.description == "Tensor int64 [2]\n[12345678901,          -2]")
        let wide = try Tensor(shape: [3], scalars: [Float(1e-5), 1, 1000])
        #expect(wide.description == "Tensor float32 [3]\n[1.0000e-05, 1.0000e+00, 1.0000e+03]")
        #expect(Tensor(zeros: [0, 3]).description == "Tensor float32 [0, 3]\n[]")
    }

    @Test func theHeaderSaysHowAutogradTracksIt() throws {
        let w = try Tensor(shape: [2], scalars: [Float(1), 2]).setRequiresGrad()
        #expect(w.description.hasPrefix("Tensor float32 [2] requires_grad\n"))
        #expect(w.detached().description.hasPrefix("Tensor float32 [2]\n"))
    }
}
