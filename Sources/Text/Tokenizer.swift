/// A text tokenizer whose ids equal Hugging Face's: CLIP's byte-level BPE or BERT's WordPiece.
///
/// Load one with ``load(_:)`` from a Hugging Face tokenizer folder or file, then encode text to
/// ids, decode ids to text, or encode a batch with padding and truncation:
///
/// ```swift
/// let tok = try Tokenizer.load("all-MiniLM-L6-v2")
/// tok.encode("Hello world")            // [101, 7592, 2088, 102]
/// try tok.decode([101, 7592, 2088, 102])   // "[CLS] hello world [SEP]"
/// let batch = try tok(["a cat", "a dog on a mat"], options: BatchOptions(padding: .longest))
/// ```
///
/// The pipeline is Hugging Face's: added (special) tokens are cut out of the raw text, each
/// remaining stretch is normalized and pre-tokenized into words, each word is encoded by the
/// model, and the post-processor adds the special tokens.
public struct Tokenizer: Sendable {
    /// The tokenization algorithm.
    public enum Kind: Sendable, Equatable {
        /// Byte-level byte-pair encoding (CLIP).
        case bytePairEncoding
        /// WordPiece (BERT).
        case wordPiece
    }

    /// The algorithm of this tokenizer.
    public let kind: Kind
    /// The folder or file it was loaded from; errors name it.
    public let source: String
    /// The length that `truncation` and `padding: .maxLength` use when no `maxLength` is given
    /// (`model_max_length` of `tokenizer_config.json`: 77 for CLIP, 512 for BERT), if known.
    public let modelMaxLength: Int?
    /// The id that padding fills in, if the tokenizer has a pad token.
    public let padTokenId: Int?

    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: TokenModel
    let addedVocabulary: AddedVocabulary
    let postProcessor: PostProcessor?
    let decoder: TokenDecoder

    /// Whether batches carry `token_type_ids` (BERT's segment ids); CLIP has none.
    public var usesTokenTypeIds: Bool { kind == .wordPiece }

    /// The number of ids: the model's vocabulary plus added tokens outside it (`len(tokenizer)`).
    public var vocabularySize: Int {
        let vocabulary = model.vocabulary
        return vocabulary.count + addedVocabulary.tokens.filter { vocabulary.token(of: $0.id) == nil }.count
    }

    /// The id of `token` (added tokens first, then the model's vocabulary), if it has one.
    public func id(of token: String) -> Int? {
        addedVocabulary.id(of: token) ?? model.vocabulary.id(of: token)
    }

    /// The token behind `id`, if there is one.
    public func token(of id: Int) -> String? {
        addedVocabulary.token(of: id)?.content ?? model.vocabulary.token(of: id)
    }

    // MARK: - Encoding

    /// Encodes one text.
    ///
    /// - Parameters:
    ///   - text: any string; special-token strings in it (`[SEP]`, `<|endoftext|>`) become their ids.
    ///   - special: add the special tokens (`[CLS] … [SEP]`, `<|startoftext|> … <|endoftext|>`).
    /// - Returns: the ids, as Hugging Face's `tokenizer(text)["input_ids"]`. No truncation.
    public func encode(_ text: String, special: Bool = true) -> [Int] {
        layout(ids(of: text), nil, special: special).ids
    }

    /// Encodes a pair of texts (`[CLS] A [SEP] B [SEP]` for BERT, `bos A eos eos B eos` for CLIP).
    ///
    /// - Returns: the ids and, per position, the token type: 0 for the first text and its special
    ///   tokens, 1 for the second (always 0 for CLIP). No truncation.
    public func encode(_ text: String, pair: String, special: Bool = true) -> (ids: [Int], typeIds: [Int]) {
        layout(ids(of: text), ids(of: pair), special: special)
    }

    /// The ids of `text` without special tokens around it.
    func ids(of text: String) -> [Int] {
        var ids: [Int] = []
        for segment in addedVocabulary.split(text) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let stretch):
                let normalized = normalizer?.apply(stretch) ?? stretch
                for word in preTokenizer?.split(normalized) ?? [normalized] where !word.isEmpty {
                    ids += model.encode(word: word)
                }
            }
        }
        return ids
    }

    /// Adds the special tokens, or without them gives the first text type 0 and the second type 1.
    func layout(_ first: [Int], _ second: [Int]?, special: Bool) -> (ids: [Int], typeIds: [Int]) {
        if special, let postProcessor { return postProcessor.apply(first, second) }
        let typeIds = Array(repeating: 0, count: first.count) + Array(repeating: 1, count: second?.count ?? 0)
        return (first + (second ?? []), typeIds)
    }

    /// How many special tokens `layout` adds.
    func specialCount(pair: Bool, special: Bool) -> Int {
        special ? postProcessor?.specialCount(pair: pair) ?? 0 : 0
    }

    // MARK: - Decoding

    /// Decodes ids to text as Hugging Face's `tokenizer.decode(ids)` does.
    ///
    /// - Parameters:
    ///   - ids: token ids.
    ///   - skipSpecialTokens: leave out special tokens (`[CLS]`, `[PAD]`, `<|endoftext|>`, …).
    /// - Throws: ``TokenizerError`` for an id the tokenizer does not have.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) throws -> String {
        var tokens: [String] = []
        for id in ids {
            if let added = addedVocabulary.token(of: id) {
                if !(skipSpecialTokens && added.special) { tokens.append(added.content) }
            } else if let token = model.vocabulary.token(of: id) {
                tokens.append(token)
            } else {
                throw TokenizerError(
                    file: source,
                    reason: "decode: id \(id) is not in the vocabulary "
                        + "(\(vocabularySize) ids)")
            }
        }
        return decoder.decode(tokens)
    }
}
