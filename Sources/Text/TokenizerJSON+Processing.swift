import TensorCore

// The parts of `tokenizer.json` read around the model: added tokens, post-processor, decoder.

extension TokenizerJSONReader {
    func addedTokens(_ json: JSONValue) throws -> AddedVocabulary {
        guard case .array(let items) = json else {
            if json.isNull { return AddedVocabulary([]) }
            throw error("added_tokens", "expected a list")
        }
        var tokens: [AddedToken] = []
        for (index, item) in items.enumerated() {
            let field = "added_tokens[\(index)]"
            guard let content = item["content"].string, let id = item["id"].int else {
                throw error(field, "needs a string content and an integer id")
            }
            // These options change where a token matches; none of our tokenizers use them.
            for option in ["single_word", "lstrip", "rstrip", "normalized"] where item[option].bool == true {
                throw error("\(field).\(option)", "true is not supported ('\(content)')")
            }
            tokens.append(AddedToken(content: content, id: id, special: item["special"].bool ?? false))
        }
        return AddedVocabulary(tokens)
    }

    func postProcessor(_ json: JSONValue, added: AddedVocabulary, vocabulary: Vocabulary) throws -> PostProcessor? {
        if json.isNull { return nil }
        /// A `[token, id]` pair of RobertaProcessing.
        func special(_ key: String) throws -> Int {
            guard case .array(let pair) = json[key], pair.count == 2, let id = pair[1].int else {
                throw error("post_processor.\(key)", "expected [token, id]")
            }
            return id
        }
        switch try type(json, "post_processor") {
        case "TemplateProcessing":
            return PostProcessor(single: try template(json, "single"), pair: try template(json, "pair"))
        case "RobertaProcessing":
            return .roberta(bos: try special("cls"), eos: try special("sep"))
        case let other:
            throw error("post_processor.type", "'\(other)' is not supported")
        }
    }

    private func template(_ json: JSONValue, _ key: String) throws -> [PostProcessor.Item] {
        guard case .array(let items) = json[key] else { throw error("post_processor.\(key)", "missing") }
        var result: [PostProcessor.Item] = []
        for (index, item) in items.enumerated() {
            let field = "post_processor.\(key)[\(index)]"
            if case .object = item["SpecialToken"] {
                let name = item["SpecialToken"]["id"].string ?? ""
                guard case .array(let ids) = json["special_tokens"][name]["ids"], !ids.isEmpty else {
                    throw error(field, "special token '\(name)' has no ids in post_processor.special_tokens")
                }
                result.append(.special(ids.compactMap(\.int), typeId: item["SpecialToken"]["type_id"].int ?? 0))
            } else if case .object = item["Sequence"] {
                let typeId = item["Sequence"]["type_id"].int ?? 0
                switch item["Sequence"]["id"].string {
                case "A": result.append(.first(typeId: typeId))
                case "B": result.append(.second(typeId: typeId))
                default: throw error("\(field).Sequence.id", "expected A or B")
                }
            } else {
                throw error(field, "expected SpecialToken or Sequence")
            }
        }
        return result
    }

    func decoder(_ json: JSONValue, endOfWordSuffix: String?) throws -> TokenDecoder {
        switch try type(json, "decoder") {
        case "WordPiece":
            return .wordPiece(prefix: json["prefix"].string ?? "##", cleanup: json["cleanup"].bool ?? true)
        case "ByteLevel":
            return .byteLevel(endOfWordSuffix: endOfWordSuffix)
        case let other:
            throw error("decoder.type", "'\(other)' is not supported")
        }
    }
}

extension JSONValue {
    /// Equality of scalar values (what `expect` compares).
    func sameValue(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        default: return false
        }
    }

    /// A short rendering for error messages.
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
