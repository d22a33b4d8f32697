#if canImport(Glibc)
import Glibc
#endif
import TensorCore

/// Connectionist temporal classification loss (`F.ctc_loss`), as Wav2Vec2ForCTC uses it.
///
/// The forward pass sums over all alignments of each target with the α recursion over the
/// blank-extended target `l'` (length 2S+1) in log space; the gradient with respect to the log
/// probabilities is −exp(log Σ_{s: l'_s = c} α_t(s)β_t(s) − log p − lp[t, c]), from the β
/// recursion. Computed in float64 for stability.
extension Loss {
    public enum CTCReduction: String, NamedChoice { case mean, sum, none }

    /// - Parameters:
    ///   - logProbs: `[T, N, C]` log-probabilities (log_softmax over C).
    ///   - targets: int64 `[N, S]` (padded) or the concatenation of all targets `[ΣS]`.
    ///   - inputLengths / targetLengths: per batch item.
    ///   - reduction: `mean` divides each loss by its target length, then averages (PyTorch).
    ///   - zeroInfinity: replace impossible (infinite) losses and their gradients by 0.
    public static func ctc(
        logProbs: Tensor, targets: Tensor, inputLengths: [Int], targetLengths: [Int], blank: Int = 0,
        reduction: CTCReduction = .mean, zeroInfinity: Bool = false
    ) throws -> Tensor {
        guard logProbs.rank == 3 else {
            throw TensorError.shape("ctc: log_probs must be [T, N, C], got \(logProbs.shape)")
        }
        let (steps, batch, classes) = (logProbs.shape[0], logProbs.shape[1], logProbs.shape[2])
        guard inputLengths.count == batch, targetLengths.count == batch else {
            throw TensorError.shape(
                "ctc: \(batch) batch items but \(inputLengths.count) input lengths and \(targetLengths.count) target lengths"
            )
        }
        guard (0..<classes).contains(blank) else {
            throw TensorError.invalidArgument("ctc: blank \(blank) is not a class id (C = \(classes))")
        }
        let all = targets.toArray(of: Int64.self).map(Int.init)
        var sequences: [[Int]] = []
        var offset = 0
        for (n, length) in targetLengths.enumerated() {
            guard (0...steps).contains(inputLengths[n]), length >= 0 else {
                throw TensorError.invalidArgument(
                    "ctc: input length \(inputLengths[n]) or target length \(length) is out of range")
            }
            let start = targets.rank == 2 ? n * targets.shape[1] : offset
            guard start + length <= all.count else {
                throw TensorError.shape("ctc: targets hold fewer labels than target_lengths say")
            }
            let seq = Array(all[start..<(start + length)])
            if let bad = seq.first(where: { !(0..<classes).contains($0) || $0 == blank }) {
                throw TensorError.invalidArgument("ctc: target label \(bad) is the blank or not a class id")
            }
            sequences.append(seq)
            offset += length
        }
        let lp = logProbs.detached().converted(to: .float64).contiguous().toArray(of: Double.self)
        var losses = [Double](repeating: 0, count: batch)
        var grad = [Double](repeating: 0, count: lp.count)
        for n in 0..<batch {
            let (loss, g) = ctcSingle(
                lp, n: n, steps: inputLengths[n], batch: batch, classes: classes, target: sequences[n], blank: blank)
            let impossible = loss.isInfinite && zeroInfinity
            losses[n] = impossible ? 0 : loss
            if !impossible { for (i, v) in g { grad[i] += v } }
        }
        let weights: [Double] = (0..<batch).map { n in
            switch reduction {
            case .mean: return 1 / Double(Swift.max(targetLengths[n], 1)) / Double(batch)
            case .sum, .none: return 1
            }
        }
        let perItem = try Tensor(shape: [batch], scalars: losses)
        let value: Tensor
        switch reduction {
        case .none: value = perItem
        case .sum, .mean: value = Tensor(scalar: zip(losses, weights).map(*).reduce(0, +))
        }
        let out = value.converted(to: logProbs.dtype.floatComputeType)
        return try out.recordedCTC(
            logProbs, grad: grad, weights: weights, shape: logProbs.shape, classes: classes, batch: batch)
    }
}

/// Loss and the sparse gradient (flat index → value) for batch item `n`.
private func ctcSingle(_ lp: [Double], n: Int, steps: Int, batch: Int, classes: Int, target: [Int], blank: Int) -> (
    Double, [(Int, Double)]
) {
    let ext = [blank] + target.flatMap { [$0, blank] }  // l', length 2S+1
    let width = ext.count
    func at(_ t: Int, _ c: Int) -> Double { lp[(t * batch + n) * classes + c] }
    func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let m = Swift.max(a, b)
        return m + log1p(exp(-Swift.abs(a - b)))
    }
    guard steps > 0 else { return (target.isEmpty ? 0 : .infinity, []) }
    var alpha = [[Double]](repeating: [Double](repeating: -.infinity, count: width), count: steps)
    var beta = alpha
    alpha[0][0] = at(0, ext[0])
    if width > 1 { alpha[0][1] = at(0, ext[1]) }
    for t in 1..<steps {
        for s in 0..<width {
            var a = alpha[t - 1][s]
            if s >= 1 { a = logAdd(a, alpha[t - 1][s - 1]) }
            if s >= 2, ext[s] != blank, ext[s] != ext[s - 2] { a = logAdd(a, alpha[t - 1][s - 2]) }
            alpha[t][s] = a == -.infinity ? a : a + at(t, ext[s])
        }
    }
    let last = steps - 1
    beta[last][width - 1] = at(last, ext[width - 1])
    if width > 1 { beta[last][width - 2] = at(last, ext[width - 2]) }
    for t in stride(from: last - 1, through: 0, by: -1) {
        for s in 0..<width {
            var b = beta[t + 1][s]
            if s + 1 < width { b = logAdd(b, beta[t + 1][s + 1]) }
            if s + 2 < width, ext[s] != blank, ext[s] != ext[s + 2] { b = logAdd(b, beta[t + 1][s + 2]) }
            beta[t][s] = b == -.infinity ? b : b + at(t, ext[s])
        }
    }
    let logP = width > 1 ? logAdd(alpha[last][width - 1], alpha[last][width - 2]) : alpha[last][width - 1]
    guard logP > -.infinity else { return (.infinity, []) }
    var grad: [(Int, Double)] = []
    for t in 0..<steps {
        var perClass: [Int: Double] = [:]
        // α_t(s)·β_t(s) counts y_t(l'_s) twice; subtract one lp to get the path sum through (t, s).
        for s in 0..<width where alpha[t][s] > -.infinity && beta[t][s] > -.infinity {
            perClass[ext[s]] = logAdd(perClass[ext[s]] ?? -.infinity, alpha[t][s] + beta[t][s] - at(t, ext[s]))
        }
        for (c, v) in perClass { grad.append(((t * batch + n) * classes + c, -exp(v - logP))) }
    }
    return (-logP, grad)
}

extension Tensor {
    /// Records the CTC node: the gradient of the reduced loss, scaled per item by `weights`.
    fileprivate func recordedCTC(
        _ logProbs: Tensor, grad: [Double], weights: [Double], shape: [Int], classes: Int, batch: Int
    ) throws -> Tensor {
        let output = self
        return detached().recordingGradient("ctc_loss", inputs: [logProbs]) { g in
            var scaled = grad
            let gValues = g.toArray(of: Double.self)
            for i in scaled.indices {
                let n = (i / classes) % batch
                scaled[i] *= weights[n] * (output.rank == 0 ? gValues[0] : gValues[n])
            }
            return [try Tensor(shape: shape, scalars: scaled).converted(to: logProbs.dtype.floatComputeType)]
        }
    }
}
