import TensorCore

/// Reading Hugging Face `tokenizer.json` files (the tokenizers library's format).
///
/// Supported: the BPE and WordPiece models; the normalizers `BertNormalizer`, `Sequence`, `NFC`,
/// `Lowercase` and `Replace` of `\s+`; the pre-tokenizers `BertPreTokenizer`, `Sequence`, CLIP's
/// `Split` and a `ByteLevel` after it; the post-processors `TemplateProcessing` and
/// `RobertaProcessing`; the decoders `WordPiece` and `ByteLevel`; added
/// tokens matched on raw text. That covers what BERT-family (all-MiniLM-L6-v2) and
/// `CLIPTokenizerFast` files contain. Anything else is an error naming the field.
///
/// The file's `truncation` and `padding` sections are not used: Hugging Face's tokenizer call
/// ignores them too (its lengths come from the call and from `model_max_length`).
extension Tokenizer {
    init(tokenizerJSON file: String, config: TokenizerConfig, source: String? = nil) throws {
        let reader = TokenizerJSONReader(file: file)
        let root = try JSONValue.read(file)
        guard case .object = root else { throw reader.error("the file", "expected a JSON object") }
        let (kind, model) = try reader.model(root["model"])
        var normalizer = try reader.normalizer(root["normalizer"], field: "normalizer")
        // BertTokenizer rebuilds its normalizer from tokenizer_config.json's switches (HF 5.x),
        // whatever the tokenizer.json says.
        if case .bert(var bert) = normalizer, config.tokenizerClass?.hasPrefix("BertTokenizer") == true {
            bert.lowercase = config.doLowerCase ?? true
            bert.stripAccents = config.stripAccents
            bert.handleChineseChars = config.tokenizeChineseChars ?? true
            normalizer = .bert(bert)
        }
        let added = try reader.addedTokens(root["added_tokens"])
        let padToken = config.specialTokens["pad_token"] ?? root["padding"]["pad_token"].string
        let padId = padToken.flatMap { token in added.id(of: token) ?? model.vocabulary.id(of: token) }
        var endOfWordSuffix: String?
        if case .bytePair(let bpe) = model { endOfWordSuffix = bpe.endOfWordSuffix }
        self.init(
            kind: kind, source: source ?? file, modelMaxLength: config.modelMaxLength, padTokenId: padId,
            normalizer: normalizer,
            preTokenizer: try reader.preTokenizer(root["pre_tokenizer"], field: "pre_tokenizer"),
            model: model, addedVocabulary: added,
            postProcessor: try reader.postProcessor(root["post_processor"], added: added, vocabulary: model.vocabulary),
            decoder: try reader.decoder(root["decoder"], endOfWordSuffix: endOfWordSuffix))
    }
}

/// CLIP's pre-split pattern exactly as `CLIPTokenizerFast` writes it.
private let clipPattern =
    #"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"#

struct TokenizerJSONReader {
    let file: String

    func error(_ field: String, _ reason: String) -> TokenizerError {
        TokenizerError(file: file, reason: "\(field): \(reason)")
    }

    func type(_ json: JSONValue, _ field: String) throws -> String {
        guard let type = json["type"].string else { throw error("\(field).type", "missing") }
        return type
    }

    /// Fails unless `json[key]` is absent, null or one of `allowed`.
    func expect(_ json: JSONValue, _ key: String, in allowed: [JSONValue], _ field: String) throws {
        let value = json[key]
        if value.isNull { return }
        guard allowed.contains(where: { $0.sameValue(as: value) }) else {
            throw error("\(field).\(key)", "value \(value.text) is not supported")
        }
    }

    // MARK: model

    func model(_ json: JSONValue) throws -> (Tokenizer.Kind, TokenModel) {
        guard case .object(let vocabTable) = json["vocab"] else {
            throw error("model.vocab", "missing or not an object")
        }
        let vocabulary = try VocabFiles.vocabulary(from: vocabTable, file: file, field: "model.vocab")
        switch try type(json, "model") {
        case "BPE":
            try expect(json, "dropout", in: [], "model")
            try expect(json, "continuing_subword_prefix", in: [.string("")], "model")
            for flag in ["fuse_unk", "byte_fallback", "ignore_merges"] {
                try expect(json, flag, in: [.bool(false)], "model")
            }
            guard case .array(let items) = json["merges"] else { throw error("model.merges", "missing or not a list") }
            var merges: [(left: String, right: String, line: Int)] = []
            for (index, item) in items.enumerated() {
                // Written as "left right" by older versions, as ["left", "right"] by newer ones.
                let parts: [String]
                switch item {
                case .string(let text): parts = mergeParts(text)
                case .array(let pair): parts = pair.compactMap(\.string)
                default: parts = []
                }
                guard parts.count == 2 else { throw error("model.merges[\(index)]", "expected a pair of symbols") }
                merges.append((parts[0], parts[1], index))
            }
            let model = try BytePairModel(
                vocabulary: vocabulary, merges: merges, file: file,
                endOfWordSuffix: json["end_of_word_suffix"].string ?? "", unknownToken: json["unk_token"].string)
            return (.bytePairEncoding, .bytePair(model))
        case "WordPiece":
            let unknown = json["unk_token"].string ?? "[UNK]"
            guard let unknownId = vocabulary.id(of: unknown) else {
                throw error("model.unk_token", "'\(unknown)' is not in model.vocab")
            }
            let model = WordPieceModel(
                vocabulary: vocabulary, unknownId: unknownId,
                continuingPrefix: json["continuing_subword_prefix"].string ?? "##",
                maxCharactersPerWord: json["max_input_chars_per_word"].int ?? 100)
            return (.wordPiece, .wordPiece(model))
        case let other:
            throw error("model.type", "'\(other)' is not supported (BPE or WordPiece)")
        }
    }

    // MARK: normalizer, pre-tokenizer

    func normalizer(_ json: JSONValue, field: String) throws -> Normalizer? {
        if json.isNull { return nil }
        switch try type(json, field) {
        case "BertNormalizer":
            return .bert(
                BertNormalizer(
                    cleanText: json["clean_text"].bool ?? true,
                    handleChineseChars: json["handle_chinese_chars"].bool ?? true,
                    stripAccents: json["strip_accents"].bool, lowercase: json["lowercase"].bool ?? true))
        case "Sequence":
            guard case .array(let steps) = json["normalizers"] else { throw error("\(field).normalizers", "missing") }
            return .sequence(
                try steps.enumerated().compactMap { try normalizer($1, field: "\(field).normalizers[\($0)]") })
        case "NFC": return .nfc
        case "Lowercase": return .lowercase
        case "Replace":
            guard json["pattern"]["Regex"].string == #"\s+"#, let content = json["content"].string else {
                throw error("\(field).pattern", "only the regex \\s+ is supported by Replace")
            }
            return .collapseWhitespace(replacement: content)
        case let other:
            throw error("\(field).type", "normalizer '\(other)' is not supported")
        }
    }

    func preTokenizer(_ json: JSONValue, field: String, after previous: PreTokenizer? = nil) throws -> PreTokenizer? {
        if json.isNull { return nil }
        switch try type(json, field) {
        case "BertPreTokenizer": return .bert
        case "Sequence":
            guard case .array(let steps) = json["pretokenizers"] else {
                throw error("\(field).pretokenizers", "missing")
            }
            var parsed: [PreTokenizer] = []
            for (index, step) in steps.enumerated() {
                let item = try preTokenizer(step, field: "\(field).pretokenizers[\(index)]", after: parsed.last)
                if let item { parsed.append(item) }
            }
            return .sequence(parsed)
        case "Split":
            guard json["pattern"]["Regex"].string == clipPattern, json["behavior"].string == "Removed",
                json["invert"].bool == true
            else { throw error(field, "only CLIP's Split (its regex, behavior Removed, invert true) is supported") }
            return .clipSplit
        case "ByteLevel":
            guard case .clipSplit = previous else {
                throw error(field, "ByteLevel is only supported after CLIP's Split pre-tokenizer")
            }
            try expect(json, "add_prefix_space", in: [.bool(false)], field)
            try expect(json, "use_regex", in: [.bool(true)], field)
            return .byteLevel
        case let other:
            throw error("\(field).type", "pre-tokenizer '\(other)' is not supported")
        }
    }
}
