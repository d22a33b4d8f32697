import Synchronization

/// Byte-pair encoding over a vocabulary and a ranked merge list (MODELS.md §7.3 step 4).
///
/// Words arrive already byte-mapped. Each word starts as one symbol per character, with the
/// end-of-word suffix (`</w>` for CLIP) appended to the last one; then the adjacent pair with the
/// lowest rank is merged, everywhere it occurs, until no ranked pair is left.
final class BytePairModel: Sendable {
    let vocabulary: Vocabulary
    let endOfWordSuffix: String
    let unknownId: Int?
    /// Rank and result of each merge, keyed by the two symbol ids packed into one integer.
    private let merges: [UInt64: (rank: Int, merged: Int)]
    /// Results per word: captions repeat words a lot, and a word's encoding never changes.
    private let cache = Mutex<[ExactString: [Int]]>([:])
    private static let cacheLimit = 50_000

    /// - Parameters:
    ///   - merges: the merge pairs in rank order, each with the 1-based line it came from (for errors).
    ///   - file: the file the merges came from, for errors.
    init(
        vocabulary: Vocabulary, merges: [(left: String, right: String, line: Int)], file: String,
        endOfWordSuffix: String, unknownToken: String?
    ) throws {
        self.vocabulary = vocabulary
        self.endOfWordSuffix = endOfWordSuffix
        unknownId = unknownToken.flatMap { vocabulary.id(of: $0) }
        var table: [UInt64: (rank: Int, merged: Int)] = [:]
        for (rank, merge) in merges.enumerated() {
            func id(_ token: String) throws -> Int {
                guard let id = vocabulary.id(of: token) else {
                    throw TokenizerError(
                        file: file,
                        reason: "merge \(merge.line) ('\(merge.left) \(merge.right)'): "
                            + "'\(token)' is not in the vocabulary")
                }
                return id
            }
            let key = Self.key(try id(merge.left), try id(merge.right))
            if table[key] == nil { table[key] = (rank, try id(merge.left + merge.right)) }
        }
        self.merges = table
    }

    /// The ids of one byte-mapped word.
    func encode(word: String) -> [Int] {
        let key = ExactString(word)
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let ids = merge(initialSymbols(word))
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = ids
        }
        return ids
    }

    private func initialSymbols(_ word: String) -> [Int] {
        let characters = Array(word.unicodeScalars)
        var symbols: [Int] = []
        for (index, scalar) in characters.enumerated() {
            let symbol = index == characters.count - 1 ? String(scalar) + endOfWordSuffix : String(scalar)
            // A character outside the vocabulary becomes the unknown token, or is dropped
            // when there is none; byte-level vocabularies hold every byte, so CLIP never does this.
            if let id = vocabulary.id(of: symbol) ?? unknownId { symbols.append(id) }
        }
        return symbols
    }

    private func merge(_ start: [Int]) -> [Int] {
        var symbols = start
        while symbols.count > 1 {
            var best: (rank: Int, left: Int, right: Int, merged: Int)?
            for index in 0..<(symbols.count - 1) {
                if let merge = merges[Self.key(symbols[index], symbols[index + 1])],
                    merge.rank < best?.rank ?? .max
                {
                    best = (merge.rank, symbols[index], symbols[index + 1], merge.merged)
                }
            }
            guard let best else { break }
            var next: [Int] = []
            next.reserveCapacity(symbols.count)
            var index = 0
            while index < symbols.count {
                if index + 1 < symbols.count && symbols[index] == best.left && symbols[index + 1] == best.right {
                    next.append(best.merged)
                    index += 2
                } else {
                    next.append(symbols[index])
                    index += 1
                }
            }
            symbols = next
        }
        return symbols
    }

    private static func key(_ left: Int, _ right: Int) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right))
    }
}
