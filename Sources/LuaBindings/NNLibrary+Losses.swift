import Lua
import NN
import TensorCore

/// The losses, with PyTorch's definitions (mean reduction unless said otherwise). Class labels
/// and CTC targets are 0-based values, exactly as in PyTorch.
extension NNLibrary {
    static func registerLosses(_ library: LuaLibrary) {
        library.function(
            "cross_entropy", "nn.cross_entropy(logits, labels[, {label_smoothing=0, ignore_index=-100}]) -> Tensor",
            "F.cross_entropy: logits [N, C] (or [N, C, d...]) against int64 class ids [N] (0-based); "
                + "labels equal to ignore_index add nothing"
        ) { call in
            try call.expectAtMost(3)
            let (logits, labels) = (try call.tensor(at: 1), try call.tensor(at: 2))
            let options = try call.options(at: 3, allowed: ["label_smoothing", "ignore_index"])
            let smoothing = try options.number("label_smoothing") ?? 0
            let ignored = try options.integer("ignore_index") ?? -100
            if labels.dtype != .int64 {
                throw LuaArgumentError(
                    position: 2, message: "int64 class ids expected, got \(labels.dtype) (use labels:long())")
            }
            if !(0..<1).contains(smoothing) {
                throw LuaArgumentError(
                    position: 3, message: "option 'label_smoothing': must be in [0, 1), got \(smoothing)")
            }
            return try call.push(
                tensor: call.blaming(2) {
                    try Loss.crossEntropy(logits, labels, labelSmoothing: smoothing, ignoreIndex: Int64(ignored))
                })
        }
        library.function(
            "contrastive", "nn.contrastive(a, b, logit_scale) -> Tensor",
            "CLIP's symmetric loss between embeddings a and b [B, D] matched row by row: both L2-normalised, "
                + "logits = exp(logit_scale)·a·bᵀ; logit_scale is the log of the scale (a number or CLIP's parameter)"
        ) { call in
            try call.expectAtMost(3)
            let (a, b) = (try call.tensor(at: 1), try call.tensor(at: 2))
            let scale: Tensor
            switch call.type(at: 3) {
            case .number: scale = Tensor(scalar: Float(try call.number(at: 3)))
            default:
                scale = try call.tensor(at: 3)
                guard scale.count == 1 else {
                    throw LuaArgumentError(
                        position: 3, message: "a one-element tensor expected, got shape \(shapeText(scale.shape))")
                }
            }
            return try call.push(tensor: call.blaming(2) { try Loss.contrastive(a, b, logScale: scale.reshaped([])) })
        }
        library.function(
            "bce_with_logits", "nn.bce_with_logits(logits, targets) -> Tensor",
            "F.binary_cross_entropy_with_logits: targets in [0, 1] shaped like logits (multi-label classification)"
        ) { call in
            try call.expectAtMost(2)
            let (logits, targets) = (try call.tensor(at: 1), try call.tensor(at: 2))
            return try call.push(tensor: call.blaming(2) { try Loss.bceWithLogits(logits, targets) })
        }
        library.function(
            "mse", "nn.mse(prediction, target) -> Tensor",
            "F.mse_loss: the mean of the squared differences of two tensors of one shape"
        ) { call in
            try call.expectAtMost(2)
            let (prediction, target) = (try call.tensor(at: 1), try call.tensor(at: 2))
            return try call.push(tensor: call.blaming(2) { try Loss.mse(prediction, target) })
        }
        registerCTC(library)
    }

    private static func registerCTC(_ library: LuaLibrary) {
        library.function(
            "ctc",
            "nn.ctc(log_probs, targets, input_lengths, target_lengths[, {blank=0, reduction=\"mean\", zero_infinity=false}]) -> Tensor",
            "F.ctc_loss: log_probs [T, N, C] (log_softmax over C), int64 targets [N, S] padded or concatenated [sum S], "
                + "lengths as Lua lists or int64 tensors [N]; \"mean\" divides each loss by its target length"
        ) { call in
            try call.expectAtMost(5)
            let (logProbs, targets) = (try call.tensor(at: 1), try call.tensor(at: 2))
            let inputLengths = try lengths(call, at: 3), targetLengths = try lengths(call, at: 4)
            let options = try call.options(at: 5, allowed: ["blank", "reduction", "zero_infinity"])
            let reduction =
                try options.choice("reduction", of: ["mean", "sum", "none"]).flatMap(Loss.CTCReduction.init) ?? .mean
            if targets.dtype != .int64 {
                throw LuaArgumentError(position: 2, message: "int64 targets expected, got \(targets.dtype)")
            }
            let batch = logProbs.rank == 3 ? logProbs.shape[1] : nil  // otherwise Loss.ctc names the shape
            for (position, list) in [(3, inputLengths), (4, targetLengths)]
            where batch.map({ list.count != $0 }) ?? false {
                throw LuaArgumentError(
                    position: position,
                    message: "\(batch!) lengths expected (one per batch item of log_probs [T, N, C]), got \(list.count)"
                )
            }
            return try call.push(
                tensor: call.blaming(1) {
                    try Loss.ctc(
                        logProbs: logProbs, targets: targets, inputLengths: inputLengths, targetLengths: targetLengths,
                        blank: options.integer("blank") ?? 0, reduction: reduction,
                        zeroInfinity: options.boolean("zero_infinity") ?? false)
                })
        }
    }

    /// Sequence lengths as a Lua list of integers or a 1-D int64 tensor.
    private static func lengths(_ call: LuaCall, at position: Int) throws -> [Int] {
        if call.isObject(at: position, of: Tensor.self) {
            let t = try call.tensor(at: position)
            guard t.dtype == .int64, t.rank == 1 else {
                throw LuaArgumentError(
                    position: position,
                    message: "a 1-D int64 tensor of lengths expected, got \(t.dtype) \(shapeText(t.shape))")
            }
            return t.toArray(of: Int64.self).map { Int($0) }
        }
        guard call.type(at: position) == .table else {
            throw call.typeError(position, expected: "list of lengths or Tensor")
        }
        return try call.integers(in: call.table(at: position), at: position, what: "length")
    }
}
