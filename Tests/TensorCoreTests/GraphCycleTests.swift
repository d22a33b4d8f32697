import Testing
import TensorCore

/// An op's output whose backward never runs (it does not feed the loss) must be freed when
/// dropped: a backward closure that captured the output itself kept it alive through a cycle.
@Suite struct GraphCycleTests {
    static func apply(_ name: String, _ x: Tensor) throws -> Tensor {
        switch name {
        case "exp": return try x.exp()
        case "sqrt": return try x.sqrt()
        case "rsqrt": return try x.rsqrt()
        case "tanh": return try x.tanh()
        case "sigmoid": return try x.sigmoid()
        case "softmax": return try x.softmax(axis: 1)
        case "log_softmax": return try x.logSoftmax(axis: 1)
        default: return try x.pow(Tensor.full([], 1.5))
        }
    }

    @Test(arguments: ["exp", "sqrt", "rsqrt", "tanh", "sigmoid", "softmax", "log_softmax", "pow"])
    func unusedOutputsAreFreed(_ name: String) throws {
        let x = try Tensor.full([2, 3], 0.5).setRequiresGrad()
        weak var output: Tensor?
        do {
            let y = try Self.apply(name, x)
            #expect(y.requiresGrad)
            output = y
        }
        #expect(output == nil, "\(name): the unused output was kept alive")
    }
}
