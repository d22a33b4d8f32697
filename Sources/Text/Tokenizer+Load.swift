import Foundation

/// BERT's switches for a tokenizer built from `vocab.txt` (`BertTokenizer`'s arguments).
public struct WordPieceOptions: Sendable, Equatable {
    /// Lowercase the text (`do_lower_case`; uncased checkpoints).
    public var lowercase: Bool
    /// Strip accents (`strip_accents`); `nil` means "when lowercasing".
    public var stripAccents: Bool?
    /// Surround CJK ideographs with spaces (`tokenize_chinese_chars`).
    public var tokenizeChineseChars: Bool

    public init(lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseChars: Bool = true) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
    }
}

extension Tokenizer {
    /// Loads a Hugging Face tokenizer from a folder or a file.
    ///
    /// A folder is read as `AutoTokenizer.from_pretrained` effectively does:
    /// 1. `tokenizer.json` if present (the tokenizers-library file, which HF prefers);
    /// 2. else `vocab.json` + `merges.txt`: CLIP byte-level BPE;
    /// 3. else `vocab.txt`: BERT WordPiece.
    /// `tokenizer_config.json`, when present, supplies `model_max_length`, the special tokens
    /// (e.g. a LAION-style `pad_token`) and, for `vocab.txt`, `do_lower_case`, `strip_accents`
    /// and `tokenize_chinese_chars`.
    ///
    /// A file is read by its name: `vocab.txt` (or any `.txt`) as WordPiece with default options,
    /// `vocab.json` with the `merges.txt` beside it, any other `.json` as a `tokenizer.json`.
    /// A lone file has no `tokenizer_config.json`, so no `modelMaxLength`.
    ///
    /// - Throws: ``TokenizerError`` naming the file and the reason (missing vocabulary, malformed
    ///   merges line, unsupported `tokenizer.json` construct, …).
    public static func load(_ path: String) throws -> Tokenizer {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw TokenizerError(file: path, reason: "no such file or folder")
        }
        let url = URL(fileURLWithPath: path)
        guard isFolder.boolValue else {
            let name = url.lastPathComponent
            let sibling = url.deletingLastPathComponent().appendingPathComponent("merges.txt").path
            if name == "vocab.json" { return try bytePair(vocabFile: path, mergesFile: sibling) }
            if url.pathExtension == "txt" { return try wordPiece(vocabFile: path) }
            if url.pathExtension == "json" { return try Tokenizer(tokenizerJSON: path, config: TokenizerConfig()) }
            throw TokenizerError(
                file: path, reason: "not a tokenizer file (expected tokenizer.json, vocab.json or vocab.txt)")
        }
        func file(_ name: String) -> String? {
            let file = url.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: file) ? file : nil
        }
        let config = try file("tokenizer_config.json").map(TokenizerConfig.init(path:)) ?? TokenizerConfig()
        if let json = file("tokenizer.json") {
            return try Tokenizer(tokenizerJSON: json, config: config, source: path)
        }
        if let vocab = file("vocab.json") {
            guard let merges = file("merges.txt") else {
                throw TokenizerError(file: path, reason: "vocab.json without merges.txt")
            }
            return try bytePair(vocabFile: vocab, mergesFile: merges, config: config, source: path)
        }
        if let vocab = file("vocab.txt") {
            let options = WordPieceOptions(
                lowercase: config.doLowerCase ?? true, stripAccents: config.stripAccents,
                tokenizeChineseChars: config.tokenizeChineseChars ?? true)
            return try wordPiece(vocabFile: vocab, options: options, config: config, source: path)
        }
        throw TokenizerError(
            file: path, reason: "no tokenizer.json, vocab.json + merges.txt, or vocab.txt in this folder")
    }

    /// A CLIP byte-level BPE tokenizer from `vocab.json` and `merges.txt`, as `CLIPTokenizer` builds it.
    public static func bytePair(vocabFile: String, mergesFile: String) throws -> Tokenizer {
        try bytePair(vocabFile: vocabFile, mergesFile: mergesFile, config: TokenizerConfig(), source: vocabFile)
    }

    /// A BERT WordPiece tokenizer from `vocab.txt`, as `BertTokenizer` builds it.
    public static func wordPiece(vocabFile: String, options: WordPieceOptions = WordPieceOptions()) throws -> Tokenizer
    {
        try wordPiece(vocabFile: vocabFile, options: options, config: TokenizerConfig(), source: vocabFile)
    }

    static func bytePair(
        vocabFile: String, mergesFile: String, config: TokenizerConfig,
        source: String
    ) throws -> Tokenizer {
        let vocabulary = try VocabFiles.vocabJSON(vocabFile)
        let merges = try VocabFiles.merges(mergesFile)
        let special = try SpecialTokens(
            roles: [
                "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
                "pad_token": "<|endoftext|>",
            ],
            config: config, vocabulary: vocabulary, file: vocabFile)
        let model = try BytePairModel(
            vocabulary: vocabulary, merges: merges, file: mergesFile,
            endOfWordSuffix: "</w>", unknownToken: special.content["unk_token"])
        return Tokenizer(
            kind: .bytePairEncoding, source: source, modelMaxLength: config.modelMaxLength,
            padTokenId: special.ids["pad_token"], normalizer: .clip, preTokenizer: .clip, model: .bytePair(model),
            addedVocabulary: special.addedVocabulary,
            postProcessor: .roberta(bos: special.ids["bos_token"]!, eos: special.ids["eos_token"]!),
            decoder: .byteLevel(endOfWordSuffix: "</w>"))
    }

    static func wordPiece(
        vocabFile: String, options: WordPieceOptions, config: TokenizerConfig,
        source: String
    ) throws -> Tokenizer {
        let vocabulary = try VocabFiles.vocabTxt(vocabFile)
        let special = try SpecialTokens(
            roles: [
                "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                "mask_token": "[MASK]",
            ],
            config: config, vocabulary: vocabulary, file: vocabFile)
        let normalizer = BertNormalizer(
            cleanText: true, handleChineseChars: options.tokenizeChineseChars, stripAccents: options.stripAccents,
            lowercase: options.lowercase)
        let model = WordPieceModel(
            vocabulary: vocabulary, unknownId: special.ids["unk_token"]!,
            continuingPrefix: "##", maxCharactersPerWord: 100)
        return Tokenizer(
            kind: .wordPiece, source: source, modelMaxLength: config.modelMaxLength,
            padTokenId: special.ids["pad_token"], normalizer: .bert(normalizer), preTokenizer: .bert,
            model: .wordPiece(model), addedVocabulary: special.addedVocabulary,
            postProcessor: .bert(cls: special.ids["cls_token"]!, sep: special.ids["sep_token"]!),
            decoder: .wordPiece(prefix: "##", cleanup: true))
    }
}

/// The special tokens of a vocabulary-file tokenizer, by role, with their ids.
private struct SpecialTokens {
    var content: [String: String] = [:]
    var ids: [String: Int] = [:]
    var addedVocabulary: AddedVocabulary

    /// - Parameter roles: each role's default token; `tokenizer_config.json` may override it.
    init(roles: [String: String], config: TokenizerConfig, vocabulary: Vocabulary, file: String) throws {
        var added: [AddedToken] = []
        for (role, fallback) in roles.sorted(by: { $0.key < $1.key }) {
            let token = config.token(role, default: fallback)
            guard let id = vocabulary.id(of: token) else {
                throw TokenizerError(file: file, reason: "the \(role) '\(token)' is not in the vocabulary")
            }
            content[role] = token
            ids[role] = id
            if !added.contains(where: { $0.content == token }) {
                added.append(AddedToken(content: token, id: id, special: true))
            }
        }
        addedVocabulary = AddedVocabulary(added)
    }
}
