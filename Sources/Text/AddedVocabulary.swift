/// A token matched literally in the raw text before normalization, such as `[CLS]` or
/// `<|endoftext|>` (Hugging Face's added tokens with `normalized: false`).
struct AddedToken: Sendable, Equatable {
    var content: String
    var id: Int
    /// Special tokens are the ones `decode(_:skipSpecialTokens:)` can leave out.
    var special: Bool
}

/// Splits raw text around added tokens, so that typing `[SEP]` or `<|endoftext|>` in a caption
/// gives that token's id, as in Hugging Face, even inside a word (`x[SEP]y`).
struct AddedVocabulary: Sendable {
    /// A stretch of text to normalize and tokenize, or an added token's id.
    enum Segment: Equatable {
        case text(String)
        case token(Int)
    }

    let tokens: [AddedToken]
    /// Longest first, so that the earliest match is also the longest one there.
    private let candidates: [(bytes: [UInt8], id: Int)]

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens
        candidates = tokens.filter { !$0.content.isEmpty }
            .map { (Array($0.content.utf8), $0.id) }
            .sorted { $0.bytes.count > $1.bytes.count }
    }

    func token(of id: Int) -> AddedToken? { tokens.last { $0.id == id } }
    func id(of content: String) -> Int? { tokens.last { ExactString($0.content) == ExactString(content) }?.id }

    /// Leftmost-longest matching on UTF-8 bytes; a match can only start where a character does,
    /// because UTF-8 never repeats a lead byte inside a character.
    func split(_ text: String) -> [Segment] {
        guard !candidates.isEmpty else { return text.isEmpty ? [] : [.text(text)] }
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        func flushText(until end: Int) {
            if end > textStart { segments.append(.text(String(decoding: bytes[textStart..<end], as: UTF8.self))) }
        }
        while index < bytes.count {
            if let match = candidates.first(where: { bytes.hasPrefix($0.bytes, at: index) }) {
                flushText(until: index)
                segments.append(.token(match.id))
                index += match.bytes.count
                textStart = index
            } else {
                index += 1
            }
        }
        flushText(until: bytes.count)
        return segments
    }
}

extension Array where Element == UInt8 {
    func hasPrefix(_ prefix: [UInt8], at index: Int) -> Bool {
        guard index + prefix.count <= count else { return false }
        for offset in 0..<prefix.count where self[index + offset] != prefix[offset] { return false }
        return true
    }
}
