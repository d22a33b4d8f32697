/// Turns tokens back into text (Hugging Face's `decoder`, plus CLIP's end-of-word handling).
enum TokenDecoder: Sendable {
    /// WordPiece: tokens are joined with spaces, except that a continuation (`##…`) is glued to
    /// the token before it; `cleanup` then removes the space before `. ? ! ,` and in contractions.
    case wordPiece(prefix: String, cleanup: Bool)
    /// Byte-level BPE: the tokens' stand-in characters are mapped back to bytes and decoded as
    /// UTF-8, each invalid byte sequence becoming U+FFFD. With an end-of-word suffix (CLIP's
    /// `</w>`), `CLIPTokenizer` then turns each suffix into a space and strips the ends.
    case byteLevel(endOfWordSuffix: String?)

    func decode(_ tokens: [String]) -> String {
        switch self {
        case .wordPiece(let prefix, let cleanup):
            var text = ""
            for (index, token) in tokens.enumerated() {
                var piece = token
                if index > 0 {
                    // Compared on scalars: in `##ि` the combining vowel sign joins the second `#`
                    // into one grapheme, so `String.hasPrefix` would miss the marker.
                    let scalars = Array(token.unicodeScalars)
                    let marker = Array(prefix.unicodeScalars)
                    piece =
                        scalars.hasPrefix(marker, at: 0)
                        ? String(String.UnicodeScalarView(scalars.dropFirst(marker.count))) : " " + token
                }
                // Applied per token, as the Rust decoder does: rules spanning two tokens never fire.
                text += cleanup ? cleanedUp(piece) : piece
            }
            return text
        case .byteLevel(let suffix):
            let bytes = tokens.flatMap(ByteLevel.bytes(of:))
            let text = String(decoding: bytes, as: UTF8.self)
            guard let suffix, !suffix.isEmpty else { return text }
            return pythonStripped(text.replacingAll(suffix, with: " "))
        }
    }
}

/// The tokenizers library's cleanup list, applied in this order.
private let cleanupRules: [(String, String)] = [
    (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
    (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
]

private func cleanedUp(_ piece: String) -> String {
    cleanupRules.reduce(piece) { $0.replacingAll($1.0, with: $1.1) }
}

/// Python's `str.strip()`.
private func pythonStripped(_ text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    guard let first = scalars.firstIndex(where: { !$0.isPythonWhitespace }),
        let last = scalars.lastIndex(where: { !$0.isPythonWhitespace })
    else { return "" }
    return String(String.UnicodeScalarView(scalars[first...last]))
}

extension String {
    /// Replaces every non-overlapping occurrence, left to right, comparing Unicode scalars (not
    /// grapheme clusters, so a combining mark after the pattern does not hide a match).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(unicodeScalars)
        let pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < source.count {
            if source.hasPrefix(pattern, at: index) {
                out.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                out.append(source[index])
                index += 1
            }
        }
        return String(out)
    }
}
