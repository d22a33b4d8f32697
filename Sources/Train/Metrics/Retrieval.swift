import TensorCore

extension Metrics {
    /// Recall@k for retrieval, where query i's match is item i (the diagonal of the similarity
    /// matrix), as CLIP-style screen ↔ voice ↔ text retrieval is evaluated.
    ///
    /// A query's rank is the number of items more similar to it than its match, plus the items
    /// at lower positions that are exactly as similar (ties count against the match, the rule of
    /// ``topKAccuracy(_:labels:k:)``). Recall@k is the fraction of queries whose rank is below k.
    /// For the other direction (items as queries) pass the transposed matrix.
    /// - Parameters:
    ///   - similarity: float `[Q, I]` with Q ≤ I (e.g. `logits_per_image`).
    ///   - ks: the cut-offs, each ≥ 1.
    /// - Returns: recall for each k in `ks`.
    public static func recallAtK(_ similarity: Tensor, ks: [Int]) throws -> [Int: Double] {
        guard ks.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument("recall_at_k: every k must be >= 1, got \(ks)")
        }
        let ranks = try retrievalRanks(similarity)
        var recall: [Int: Double] = [:]
        for k in ks {
            recall[k] = Double(ranks.filter { $0 < k }.count) / Double(ranks.count)
        }
        return recall
    }

    /// Each query's rank of its match (0 = retrieved first), by the rule of ``recallAtK(_:ks:)``.
    /// - Throws: unless `similarity` is `[Q, I]` with 0 < Q ≤ I.
    public static func retrievalRanks(_ similarity: Tensor) throws -> [Int] {
        guard similarity.rank == 2, similarity.shape[0] <= similarity.shape[1], similarity.shape[0] > 0 else {
            throw TensorError.shape(
                "recall_at_k: similarity must be [queries, items] with at least one query and no more queries than items, got \(similarity.shape)"
            )
        }
        let (q, n) = (similarity.shape[0], similarity.shape[1])
        let s = similarity.toArray(of: Double.self)
        return (0..<q).map { i in rank(of: i, in: s[(i * n)..<((i + 1) * n)]) }
    }
}
