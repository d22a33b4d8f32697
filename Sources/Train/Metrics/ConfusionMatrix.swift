import TensorCore

/// Counts of (true class, predicted class) pairs: `counts[t][p]` is the number of samples of
/// class t predicted as p — rows are true classes, columns predictions, as scikit-learn's
/// `confusion_matrix`.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `classCount` rows of `classCount` counts.
    public let counts: [[Int]]

    /// The number of classes (rows and columns).
    public var classCount: Int { counts.count }

    /// Tallies `predictions` against `labels`.
    /// - Parameter classCount: the number of classes; by default one more than the largest id seen.
    /// - Throws: when the counts differ, there are no samples, or an id is negative or not below
    ///   `classCount`.
    public init(predictions: [Int], labels: [Int], classCount: Int? = nil) throws {
        try Metrics.checkCounts(predictions.count, labels.count, "confusion")
        let largest = max(predictions.max()!, labels.max()!)
        let n = classCount ?? largest + 1
        for (i, (p, t)) in zip(predictions, labels).enumerated() where !(0..<n).contains(p) || !(0..<n).contains(t) {
            throw TensorError.invalidArgument(
                "confusion: sample \(i) has label \(t) and prediction \(p); class ids must be in 0..<\(n)")
        }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
        for (p, t) in zip(predictions, labels) { counts[t][p] += 1 }
        self.counts = counts
    }

    /// ``init(predictions:labels:classCount:)`` over tensors (ids or scores, and int64 labels).
    public init(_ predictions: Tensor, labels: Tensor, classCount: Int? = nil) throws {
        try self.init(
            predictions: try Metrics.classIds(predictions, "confusion"),
            labels: try Metrics.classIds(labels, "confusion"), classCount: classCount)
    }

    /// Samples whose true class is `c` (the row sum).
    public func support(_ c: Int) -> Int { counts[c].reduce(0, +) }

    /// Samples predicted as `c` (the column sum).
    public func predictedCount(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// F1 of class `c`: 2·TP / (2·TP + FP + FN), 0 when the class never occurs.
    public func f1(_ c: Int) -> Double {
        let tp = counts[c][c]
        let denominator = support(c) + predictedCount(c)  // = 2·TP + FN + FP
        return denominator == 0 ? 0 : Double(2 * tp) / Double(denominator)
    }

    /// The counts as an int64 `[C, C]` tensor.
    public var tensor: Tensor {
        try! Tensor(shape: [classCount, classCount], scalars: counts.flatMap { $0.map(Int64.init) })
    }
}
