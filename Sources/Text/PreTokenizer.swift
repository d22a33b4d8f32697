/// The pre-tokenization step: splits normalized text into words that the model encodes one by one.
///
/// The cases are the Hugging Face `tokenizer.json` pre-tokenizers that BERT and CLIP use.
enum PreTokenizer: Sendable {
    /// BERT: split on whitespace, then make every punctuation character its own word.
    case bert
    /// CLIP's `Split` with the pattern of MODELS.md §7.3 (matches kept, the rest removed).
    case clipSplit
    /// GPT-2's byte-level step: split with GPT-2's pattern, then map every UTF-8 byte to its
    /// printable stand-in. Only accepted after `clipSplit`, so words never contain whitespace.
    case byteLevel
    /// Each pre-tokenizer in turn, each applied to every word of the previous one.
    case sequence([PreTokenizer])

    /// CLIP's pre-tokenizer as `CLIPTokenizer` builds it.
    static let clip = PreTokenizer.sequence([.clipSplit, .byteLevel])

    func split(_ text: String) -> [String] {
        switch self {
        case .bert: return bertWords(text)
        case .clipSplit: return clipPieces(text)
        case .byteLevel: return byteLevelPieces(text).map(ByteLevel.encode)
        case .sequence(let steps):
            return steps.reduce([text]) { words, step in words.flatMap(step.split) }
        }
    }
}

// MARK: - BERT

private func bertWords(_ text: String) -> [String] {
    var words: [String] = []
    var current = String.UnicodeScalarView()
    func flush() {
        if !current.isEmpty { words.append(String(current)) }
        current = String.UnicodeScalarView()
    }
    for scalar in text.unicodeScalars {
        if scalar.isWhiteSpace {
            flush()
        } else if scalar.isBertPunctuation {
            flush()
            words.append(String(scalar))
        } else {
            current.append(scalar)
        }
    }
    flush()
    return words
}

// MARK: - CLIP

private let clipSpecialStrings: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map {
    Array($0.unicodeScalars)
}

/// The matches of `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|
/// [^\s\p{L}\p{N}]+`, scanned left to right. Alternatives are tried in pattern order (first match
/// wins, not the longest), and whatever no match covers (only whitespace) is dropped.
private func clipPieces(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    var pieces: [String] = []
    var start = 0
    while start < scalars.count {
        let first = scalars[start]
        if first.isWhiteSpace {
            start += 1
            continue
        }
        var end = start + 1
        if let special = clipSpecialStrings.first(where: { scalars.hasPrefix($0, at: start) }) {
            end = start + special.count
        } else if let contraction = contractionLength(scalars, at: start) {
            end = start + contraction
        } else if first.isLetter {
            while end < scalars.count && scalars[end].isLetter { end += 1 }
        } else if !first.isNumber {  // a digit is a piece on its own
            while end < scalars.count && isOtherSymbol(scalars[end]) { end += 1 }
        }
        pieces.append(String(String.UnicodeScalarView(scalars[start..<end])))
        start = end
    }
    return pieces
}

/// GPT-2's pattern `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// on a word without whitespace (which CLIP's split guarantees): contractions, then runs of
/// letters, of numbers, or of anything else. It only changes CLIP's pieces in one place: a
/// special string such as `<|endoftext|>` typed in other case, which splits into `<|`,
/// `endoftext`, `|>`.
private func byteLevelPieces(_ word: String) -> [String] {
    let scalars = Array(word.unicodeScalars)
    var pieces: [String] = []
    var start = 0
    while start < scalars.count {
        var end = start + 1
        if let contraction = contractionLength(scalars, at: start) {
            end = start + contraction
        } else {
            let runClass = characterClass(scalars[start])
            while end < scalars.count && characterClass(scalars[end]) == runClass { end += 1 }
        }
        pieces.append(String(String.UnicodeScalarView(scalars[start..<end])))
        start = end
    }
    return pieces
}

private let contractions: [[Unicode.Scalar]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map {
    Array($0.unicodeScalars)
}

/// The length of the contraction alternative (`'s`, `'t`, …) matching at `index`, if one does.
private func contractionLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
    contractions.first { scalars.hasPrefix($0, at: index) }?.count
}

/// 0 letter, 1 number, 2 anything else (words here hold no whitespace).
private func characterClass(_ scalar: Unicode.Scalar) -> Int {
    scalar.isLetter ? 0 : scalar.isNumber ? 1 : 2
}

/// `[^\s\p{L}\p{N}]`.
private func isOtherSymbol(_ scalar: Unicode.Scalar) -> Bool {
    !scalar.isWhiteSpace && !scalar.isLetter && !scalar.isNumber
}

extension Array where Element == Unicode.Scalar {
    func hasPrefix(_ prefix: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + prefix.count <= count else { return false }
        for offset in 0..<prefix.count where self[index + offset] != prefix[offset] { return false }
        return true
    }
}
