// Character classes used by the normalizers and pre-tokenizers. Each one is the class that the
// Hugging Face tokenizers library tests with (MODELS.md §7.3, §7.4), expressed on Unicode scalars
// because the Rust library works on `char`s (scalars), never on grapheme clusters.

extension Unicode.Scalar {
    /// General category L* (`\p{L}` in the CLIP pre-split pattern).
    var isLetter: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return false
        }
    }

    /// General category N* (`\p{N}`): decimal digits, letter numbers and other numbers.
    var isNumber: Bool {
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// The Unicode White_Space property: what the regex class `\s` and Rust's
    /// `char::is_whitespace` both mean.
    var isWhiteSpace: Bool { properties.isWhitespace }

    /// General category C* (control, format, unassigned, private use, surrogate).
    var isOther: Bool {
        switch properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// General category Mn, the marks that BERT's accent stripping removes after NFD.
    var isNonspacingMark: Bool { properties.generalCategory == .nonspacingMark }

    /// BERT's whitespace: space, tab, newline, carriage return, or category Zs.
    var isBertWhitespace: Bool {
        switch value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        default: return properties.generalCategory == .spaceSeparator
        }
    }

    /// BERT's control characters: category C* except tab, newline and carriage return
    /// (those count as whitespace instead).
    var isBertControl: Bool {
        switch value {
        case 0x09, 0x0A, 0x0D: return false
        default: return isOther
        }
    }

    /// BERT's punctuation: the ASCII ranges 33–47, 58–64, 91–96, 123–126 (which add `$ + < = > ^`
    /// and friends, symbols in Unicode) or any Unicode P* category.
    var isBertPunctuation: Bool {
        switch value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default: break
        }
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK ideograph blocks that BERT surrounds with spaces. Hangul, Hiragana and Katakana
    /// are deliberately not in the list (that is how the original BERT defined "Chinese").
    var isCJKIdeograph: Bool {
        switch value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
            0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Python's `str.isspace`: CLIP's decode ends with Python's `strip()`, which also strips the
    /// ASCII information separators U+001C–U+001F that are not White_Space.
    var isPythonWhitespace: Bool {
        switch value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
            0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
