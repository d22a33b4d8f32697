import Foundation
import TensorCore
import Train

/// The committed fixtures of `scripts/reference/optim.py` (PyTorch's optimizers and schedules).
struct OptimCase: Decodable {
    struct Group: Decodable {
        var params: [Int]
        var options: [String: Double]
    }

    struct Schedule: Decodable {
        var kind: String
        var warmup: Int?
        var total: Int?
        var minLr: Double?
        var stepSize: Int?
        var gamma: Double?
    }

    struct Clip: Decodable {
        var maxNorm: Double
        var normType: Double
    }

    var name: String
    var optimizer: String
    var defaults: [String: Double]
    var groups: [Group]
    var shapes: [[Int]]
    var frozen: [Int]
    var steps: Int
    var schedule: Schedule?
    var clip: Clip?
    var lrs: [[Double]]
    var norms: [Double]
    var losses: [Double]?

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/train/optim")

    static let all: [OptimCase] = {
        struct File: Decodable { var cases: [OptimCase] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try! Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try! decoder.decode(File.self, from: data).cases
    }()

    static func named(_ name: String) -> OptimCase { all.first { $0.name == name }! }

    func tensors() throws -> [String: Tensor] {
        try SafeTensors.load(path: Self.directory.appendingPathComponent(name + ".safetensors").path)
    }

    /// Fresh copies of the initial parameters, requiring grad unless frozen.
    func initialParameters(_ tensors: [String: Tensor]) throws -> [Tensor] {
        try shapes.indices.map { i in
            try tensors["init.\(i)"]!.copied().setRequiresGrad(!frozen.contains(i))
        }
    }

    /// The optimizer the case describes, over `parameters`.
    func makeOptimizer(_ parameters: [Tensor]) throws -> any Optimizer {
        switch optimizer {
        case "SGD":
            let base = try SGD.Options(values: defaults, defaults: SGD.Options())
            let groups = try self.groups.map {
                ParameterGroup(
                    $0.params.map { parameters[$0] }, options: try SGD.Options(values: $0.options, defaults: base))
            }
            return try SGD(groups: groups, defaults: base)
        default:
            let adamW = optimizer == "AdamW"
            let base = try Adam.Options(values: defaults, defaults: adamW ? .adamW() : Adam.Options())
            let groups = try self.groups.map {
                ParameterGroup(
                    $0.params.map { parameters[$0] }, options: try Adam.Options(values: $0.options, defaults: base))
            }
            return adamW ? try Adam.adamW(groups: groups, defaults: base) : try Adam(groups: groups, defaults: base)
        }
    }

    /// The schedule the case describes, over `optimizer`.
    func makeSchedule(_ optimizer: any Optimizer) throws -> LearningRateSchedule? {
        guard let s = schedule else { return nil }
        switch s.kind {
        case "constant": return try LearningRateSchedule(optimizer, .constant(warmup: s.warmup!))
        case "linear": return try LearningRateSchedule(optimizer, .linear(warmup: s.warmup!, total: s.total!))
        case "cosine":
            return try LearningRateSchedule.cosine(
                optimizer, warmup: s.warmup!, total: s.total!, minLearningRate: s.minLr!)
        default: return try LearningRateSchedule(optimizer, .step(size: s.stepSize!, gamma: s.gamma!))
        }
    }
}

/// Largest |a − b| over the elements.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}
