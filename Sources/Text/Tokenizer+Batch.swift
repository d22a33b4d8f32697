/// How a batch is padded.
public enum Padding: Sendable, Equatable {
    /// No padding: rows keep their own lengths.
    case none
    /// Pad every row to the longest row of the batch.
    case longest
    /// Pad every row to `maxLength` (or the model's maximum length); longer rows stay longer
    /// unless truncation is on.
    case maxLength
}

/// Options of a batch call, named and defaulted as in Hugging Face's `tokenizer(texts, ...)`.
public struct BatchOptions: Sendable, Equatable {
    /// The length to truncate to and/or pad to. `nil` means the tokenizer's `modelMaxLength`.
    public var maxLength: Int?
    public var padding: Padding
    /// `nil` follows Hugging Face: truncate when `maxLength` is given and `padding` is `.none`.
    public var truncation: Bool?
    /// Add the special tokens around each row.
    public var addSpecialTokens: Bool

    public init(
        maxLength: Int? = nil, padding: Padding = .none, truncation: Bool? = nil,
        addSpecialTokens: Bool = true
    ) {
        self.maxLength = maxLength
        self.padding = padding
        self.truncation = truncation
        self.addSpecialTokens = addSpecialTokens
    }
}

/// The result of a batch call: one row per text, as plain arrays (`[batch][position]`).
public struct BatchEncoding: Sendable, Equatable {
    /// Token ids; padded positions hold the pad id.
    public var inputIds: [[Int]]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [[Int]]
    /// Segment ids (0 first text, 1 second text, 0 padding); `nil` for tokenizers without them (CLIP).
    public var tokenTypeIds: [[Int]]?
}

extension Tokenizer {
    /// Encodes a batch: `tok(texts, {max_length=, padding=, truncation=})` in Lua.
    ///
    /// Truncation keeps the special tokens (CLIP's `<|endoftext|>` stays last). For pairs it
    /// follows Hugging Face's `longest_first`: the shorter text keeps up to half of the room, the
    /// longer one gets the rest.
    ///
    /// - Parameters:
    ///   - texts: the texts, one row each.
    ///   - pairs: optional second texts, one per row (`[CLS] A [SEP] B [SEP]`).
    ///   - options: padding, truncation and length.
    /// - Throws: ``TokenizerError`` when `pairs` has a different count, when `maxLength` leaves no
    ///   room for the special tokens, or when padding is asked of a tokenizer without a pad token.
    public func callAsFunction(
        _ texts: [String], pairs: [String]? = nil,
        options: BatchOptions = BatchOptions()
    ) throws -> BatchEncoding {
        if let pairs, pairs.count != texts.count {
            throw TokenizerError(file: source, reason: "batch: \(texts.count) texts but \(pairs.count) pairs")
        }
        let (padding, truncateTo) = try resolve(options)
        var ids: [[Int]] = []
        var types: [[Int]] = []
        for (row, text) in texts.enumerated() {
            var first = self.ids(of: text)
            var second = pairs.map { self.ids(of: $0[row]) }
            if let truncateTo {
                let room = truncateTo - specialCount(pair: second != nil, special: options.addSpecialTokens)
                guard room >= 0 else {
                    throw TokenizerError(
                        file: source,
                        reason: "batch: max_length \(truncateTo) is shorter than "
                            + "the \(truncateTo - room) special tokens")
                }
                truncate(&first, &second, to: room)
            }
            let encoded = layout(first, second, special: options.addSpecialTokens)
            ids.append(encoded.ids)
            types.append(encoded.typeIds)
        }
        var mask = ids.map { Array(repeating: 1, count: $0.count) }
        if let length = padding.map({ $0 ?? ids.map(\.count).max() ?? 0 }) {
            guard let padTokenId else {
                throw TokenizerError(
                    file: source, reason: "batch: padding needs a pad token, and this tokenizer has none")
            }
            for row in ids.indices where ids[row].count < length {
                let missing = length - ids[row].count
                ids[row] += Array(repeating: padTokenId, count: missing)
                mask[row] += Array(repeating: 0, count: missing)
                types[row] += Array(repeating: 0, count: missing)
            }
        }
        return BatchEncoding(inputIds: ids, attentionMask: mask, tokenTypeIds: usesTokenTypeIds ? types : nil)
    }

    /// The padding length (`.some(nil)` = longest row, `nil` = no padding) and truncation length,
    /// by Hugging Face's rules: `maxLength` alone turns truncation on; without `maxLength` both fall
    /// back to `modelMaxLength`, and quietly do nothing when the tokenizer has none.
    private func resolve(_ options: BatchOptions) throws -> (padding: Int??, truncation: Int?) {
        if let maxLength = options.maxLength, maxLength < 0 {
            throw TokenizerError(file: source, reason: "batch: max_length must not be negative, got \(maxLength)")
        }
        let length = options.maxLength ?? modelMaxLength
        let truncate = options.truncation ?? (options.maxLength != nil && options.padding == .none)
        let padding: Int??
        switch options.padding {
        case .none: padding = nil
        case .longest: padding = .some(nil)
        case .maxLength: padding = length.map { .some($0) }
        }
        return (padding, truncate ? length : nil)
    }

    /// Cuts the texts to `room` tokens in total, keeping their beginnings.
    private func truncate(_ first: inout [Int], _ second: inout [Int]?, to room: Int) {
        guard var other = second else {
            if first.count > room { first.removeLast(first.count - room) }
            return
        }
        guard first.count + other.count > room else { return }
        // The shorter text (the first on a tie) keeps min(its length, room / 2).
        if first.count > other.count {
            let kept = min(other.count, room / 2)
            other.removeLast(other.count - kept)
            first.removeLast(first.count - (room - kept))
        } else {
            let kept = min(first.count, room / 2)
            first.removeLast(first.count - kept)
            other.removeLast(other.count - (room - kept))
        }
        second = other
    }
}
