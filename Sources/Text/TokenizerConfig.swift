import TensorCore

/// The fields of a Hugging Face `tokenizer_config.json` that change ids: the special tokens, the
/// maximum length, and `BertTokenizer`'s normalization switches.
struct TokenizerConfig: Sendable {
    var tokenizerClass: String?
    /// `nil` when absent or when it is HF's "no limit" placeholder (about 1e30).
    var modelMaxLength: Int?
    var doLowerCase: Bool?
    var stripAccents: Bool?
    var tokenizeChineseChars: Bool?
    /// Special tokens by role (`"pad_token"`, `"bos_token"`, …).
    var specialTokens: [String: String] = [:]

    init() {}

    /// Reads `path`; every field is optional.
    init(path: String) throws {
        let json = try JSONValue.read(path)
        guard case .object = json else {
            throw TokenizerError(file: path, reason: "expected a JSON object")
        }
        tokenizerClass = json["tokenizer_class"].string
        modelMaxLength = json["model_max_length"].int
        doLowerCase = json["do_lower_case"].bool
        stripAccents = json["strip_accents"].bool
        tokenizeChineseChars = json["tokenize_chinese_chars"].bool
        for role in ["bos_token", "eos_token", "unk_token", "pad_token", "cls_token", "sep_token", "mask_token"] {
            // Saved either as a string or as an AddedToken object with a "content" field.
            if let content = json[role].string ?? json[role]["content"].string {
                specialTokens[role] = content
            }
        }
    }

    func token(_ role: String, default fallback: String) -> String { specialTokens[role] ?? fallback }
}
