import Foundation

/// The normalization step of a tokenizer: text in, text out, before any splitting.
///
/// The cases are the Hugging Face `tokenizer.json` normalizers that BERT and CLIP tokenizers use.
enum Normalizer: Sendable {
    /// BERT's normalizer (MODELS.md §7.4 steps 1–3).
    case bert(BertNormalizer)
    /// Unicode canonical composition (NFC).
    case nfc
    /// Each run of White_Space characters becomes `replacement` (the `Replace` normalizer with the
    /// regex `\s+`, as CLIP uses it).
    case collapseWhitespace(replacement: String)
    /// Full Unicode lowercase mapping, one scalar at a time.
    case lowercase
    /// Each normalizer in turn.
    case sequence([Normalizer])

    /// CLIP's normalizer (MODELS.md §7.3 step 1): NFC, whitespace runs to one space, lowercase.
    static let clip = Normalizer.sequence([.nfc, .collapseWhitespace(replacement: " "), .lowercase])

    func apply(_ text: String) -> String {
        switch self {
        case .bert(let bert): return bert.apply(text)
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .collapseWhitespace(let replacement): return collapsingWhitespace(text, into: replacement)
        case .lowercase: return lowercased(text)
        case .sequence(let steps): return steps.reduce(text) { $1.apply($0) }
        }
    }
}

/// BERT's normalizer: clean, CJK spacing, accent stripping, lowercase (MODELS.md §7.4).
struct BertNormalizer: Sendable, Equatable {
    /// Remove NUL, U+FFFD and control characters; map whitespace to a space.
    var cleanText = true
    /// Surround CJK ideographs with spaces so each becomes its own word.
    var handleChineseChars = true
    /// `nil` means "strip accents when lowercasing", as the original BERT did.
    var stripAccents: Bool? = nil
    var lowercase = true

    func apply(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || scalar.isBertControl { continue }
                if scalar.isBertWhitespace {
                    cleaned.append(" ")
                    continue
                }
            }
            if handleChineseChars && scalar.isCJKIdeograph {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var result = String(cleaned)
        if stripAccents ?? lowercase {
            // The text stays decomposed afterwards (Hangul syllables remain as jamo), as in HF.
            let decomposed = result.decomposedStringWithCanonicalMapping.unicodeScalars
            result = String(String.UnicodeScalarView(decomposed.filter { !$0.isNonspacingMark }))
        }
        return lowercase ? lowercased(result) : result
    }
}

/// Lowercases scalar by scalar with the full (unconditional) Unicode mapping, like Rust's
/// `char::to_lowercase`: `İ` becomes `i̇` and a final `Σ` still becomes `σ`.
func lowercased(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar.isASCII {
            out.append(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
        } else {
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }
    return String(out)
}

private func collapsingWhitespace(_ text: String, into replacement: String) -> String {
    var out = String.UnicodeScalarView()
    var inRun = false
    for scalar in text.unicodeScalars {
        if scalar.isWhiteSpace {
            if !inRun { out.append(contentsOf: replacement.unicodeScalars) }
            inRun = true
        } else {
            out.append(scalar)
            inRun = false
        }
    }
    return String(out)
}
