import TensorCore

/// Losses with PyTorch's definitions and mean reduction.
public enum Loss {
    /// Cross-entropy of class scores against int64 class ids (`F.cross_entropy`).
    ///
    /// - Parameters:
    ///   - logits: `[N, C]`, or `[N, C, d…]` with labels `[N, d…]` (class axis 1, as PyTorch).
    ///   - labels: 0-based class ids; entries equal to `ignoreIndex` add nothing.
    ///   - labelSmoothing: ε — the target puts 1−ε on the label and ε spread over all classes.
    /// - Returns: the mean over non-ignored entries (NaN if all are ignored, as PyTorch).
    public static func crossEntropy(
        _ logits: Tensor, _ labels: Tensor, labelSmoothing: Double = 0, ignoreIndex: Int64 = -100
    ) throws -> Tensor {
        guard labels.dtype == .int64 else {
            throw TensorError.invalidArgument("cross_entropy: labels must be int64 class ids, got \(labels.dtype)")
        }
        guard (0..<1).contains(labelSmoothing) else {
            throw TensorError.invalidArgument("cross_entropy: label_smoothing must be in [0, 1), got \(labelSmoothing)")
        }
        var scores = logits
        if logits.rank > 2 { scores = try logits.movedAxis(1, to: -1) }
        guard scores.rank >= 1, Array(scores.shape.dropLast()) == labels.shape else {
            throw TensorError.shape(
                "cross_entropy: logits \(logits.shape) and labels \(labels.shape) do not match: labels need the logits' shape without the class axis (1)"
            )
        }
        let classes = scores.shape.last!
        let flat = try scores.reshaped([-1, classes]), ids = try labels.reshaped([-1])
        let idValues = ids.toArray(of: Int64.self)
        if let bad = idValues.first(where: { $0 != ignoreIndex && ($0 < 0 || $0 >= classes) }) {
            throw TensorError.invalidArgument("cross_entropy: label \(bad) is out of range for \(classes) classes")
        }
        let keep = try ids.ne(Double(ignoreIndex))
        let safeIds = try Tensor.where(keep, ids, Tensor(scalar: Int64(0)))
        let logp = try flat.logSoftmax(axis: 1)
        let nll = try logp.gathered(axis: 1, indices: safeIds.unsqueezed(at: 1)).squeezed(at: 1).negated()
        var perItem = nll
        if labelSmoothing > 0 {
            let smooth = try logp.mean(axes: [1]).negated()
            perItem = try nll * (1 - labelSmoothing) + smooth * labelSmoothing
        }
        let weight = keep.converted(to: perItem.dtype)
        return try (perItem * weight).sum() / weight.sum()
    }

    /// CLIP's symmetric contrastive loss between two batches of embeddings `[B, D]` that match
    /// row by row: both are L2-normalised, logits = exp(logScale)·âb̂ᵀ, and the loss is the mean
    /// of the cross-entropies over rows and over columns with the diagonal as targets.
    /// `logScale` is the log of the temperature scale, as CLIP's `logit_scale` parameter.
    public static func contrastive(_ a: Tensor, _ b: Tensor, logScale: Tensor) throws -> Tensor {
        guard a.rank == 2, a.shape == b.shape else {
            throw TensorError.shape(
                "contrastive: both embeddings must be [B, D] of one shape, got \(a.shape) and \(b.shape)")
        }
        let logits = try logScale.exp() * normalized(a).matmul(normalized(b).t())
        let targets = try Tensor.arange(0, Double(a.shape[0]))
        return try (crossEntropy(logits, targets) + crossEntropy(logits.t(), targets)) / 2
    }

    /// Rows scaled to unit L2 norm (no eps, as CLIP).
    public static func normalized(_ x: Tensor) throws -> Tensor {
        try x / x.norm(axes: [-1], keepingAxes: true)
    }

    /// Binary cross-entropy on logits, in the stable form max(x,0) − x·y + log(1 + e^−|x|)
    /// (`F.binary_cross_entropy_with_logits`), averaged.
    public static func bceWithLogits(_ logits: Tensor, _ targets: Tensor) throws -> Tensor {
        guard logits.shape == targets.shape else {
            throw TensorError.shape("bce_with_logits: logits \(logits.shape) and targets \(targets.shape) differ")
        }
        let y = targets.converted(to: logits.dtype.floatComputeType)
        let softplus = try (logits.abs().negated().exp() + 1).log()
        return try (logits.relu() - logits * y + softplus).mean()
    }

    /// Mean squared error.
    public static func mse(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
        guard prediction.shape == target.shape else {
            throw TensorError.shape("mse: prediction \(prediction.shape) and target \(target.shape) differ")
        }
        let d = try prediction - target
        return try (d * d).mean()
    }
}

extension Tensor {
    /// Moves axis `from` to position `to` (a view).
    func movedAxis(_ from: Int, to: Int) throws -> Tensor {
        let f = from < 0 ? from + rank : from, t = to < 0 ? to + rank : to
        var order = Array(0..<rank)
        order.remove(at: f)
        order.insert(f, at: t)
        return try permuted(order)
    }
}
