import Lua
import TensorCore
import Text

/// A loaded tokenizer as a Lua object (`Tokenizer` is a struct; userdata hold classes).
final class TokenizerObject {
    let tokenizer: Tokenizer
    init(_ tokenizer: Tokenizer) { self.tokenizer = tokenizer }
}

/// The `text` library (DESIGN.md §2): Hugging Face tokenizers whose ids equal HF's. Token ids
/// are values, so they are 0-based exactly as in Hugging Face — never shifted for Lua.
enum TextLibrary {
    static func install(into lua: LuaState) {
        let library = lua.library("text", summary: "Tokenizers with Hugging Face's ids: text.tokenizer(path)")
        let type = lua.userType(
            TokenizerObject.self, name: "Tokenizer",
            summary: "A CLIP byte-level BPE or BERT WordPiece tokenizer; tok(texts, {padding=…}) makes a batch")

        library.function(
            "tokenizer", "text.tokenizer(path) -> Tokenizer",
            "Loads a Hugging Face tokenizer folder or file: tokenizer.json, vocab.json + merges.txt (CLIP), or vocab.txt (BERT)"
        ) { call in
            try call.expectAtMost(1)
            return try call.push(object: TokenizerObject(Tokenizer.load(call.string(at: 1))))
        }

        type.method(
            "encode", "tok:encode(text[, pair][, {special=true}]) -> {id...}[, {type_id...}]",
            "The 0-based token ids of text as a Lua list, as HF's tokenizer(text)[\"input_ids\"]; with a pair, also the token type ids"
        ) { tok, call in
            let text = try call.string(at: 2)
            let hasPair = call.type(at: 3) == .string
            let options = try call.options(at: hasPair ? 4 : 3, allowed: ["special"])
            try call.expectAtMost(hasPair ? 4 : 3)
            let special = try options.boolean("special") ?? true
            guard hasPair else { return call.push(tok.tokenizer.encode(text, special: special)) }
            let encoded = tok.tokenizer.encode(text, pair: try call.string(at: 3), special: special)
            return call.push(encoded.ids) + call.push(encoded.typeIds)
        }
        type.method(
            "decode", "tok:decode(ids[, {skip_special_tokens=false}]) -> string",
            "The text of a list of ids or a 1-D int64 tensor (a row of input_ids), as HF's decode"
        ) { tok, call in
            let options = try call.options(at: 3, allowed: ["skip_special_tokens"])
            try call.expectAtMost(3)
            let ids = try self.ids(call, at: 2)
            let skip = try options.boolean("skip_special_tokens") ?? false
            return call.push(try tok.tokenizer.decode(ids, skipSpecialTokens: skip))
        }
        type.metamethod(.call, "tok(texts, {...}): encodes a batch") { call in
            do {
                return try batch(call)
            } catch var error as LuaArgumentError where error.position > 1 {
                // The tokenizer itself is argument 1 of `__call`; count as the user wrote it.
                error.position -= 1
                throw error
            }
        }
        lua.docs.add(
            LuaDoc(
                name: "Tokenizer.__call",
                signature:
                    "tok(texts[, pairs][, {max_length=, padding=\"longest\"|\"max_length\", truncation=, special=}])"
                    + " -> {input_ids=, attention_mask=[, token_type_ids=]}",
                summary: "Encodes a batch as int64 tensors [batch, length], padded and truncated as HF's tokenizer call"
            ))
        type.method(
            "vocab_size", "tok:vocab_size() -> integer",
            "The number of ids (the vocabulary plus added tokens)"
        ) { tok, call in
            try call.expectAtMost(1)
            return call.push(tok.tokenizer.vocabularySize)
        }
        type.method(
            "token_to_id", "tok:token_to_id(token) -> integer | nil",
            "The 0-based id of a token string, or nil"
        ) { tok, call in
            try call.expectAtMost(2)
            return call.push(tok.tokenizer.id(of: try call.string(at: 2)))
        }
        type.method(
            "id_to_token", "tok:id_to_token(id) -> string | nil",
            "The token string of a 0-based id, or nil"
        ) { tok, call in
            try call.expectAtMost(2)
            return call.push(tok.tokenizer.token(of: try call.integer(at: 2)))
        }
        type.tostring { tok in
            let kind = tok.tokenizer.kind == .wordPiece ? "WordPiece" : "byte-level BPE"
            return "Tokenizer \(kind), \(tok.tokenizer.vocabularySize) ids, from \(tok.tokenizer.source)"
        }
    }

    /// `tok(texts, ...)`: the batch as int64 tensors `[batch, length]`.
    private static func batch(_ call: LuaCall) throws -> Int {
        let tok = try call.object(at: 1, as: TokenizerObject.self).tokenizer
        let texts = try strings(call, at: 2)
        let hasPairs = try call.type(at: 3) == .table && !call.table(at: 3).array.isEmpty
        let pairs = hasPairs ? try strings(call, at: 3) : nil
        let optionsPosition = hasPairs ? 4 : 3
        let options = try call.options(
            at: optionsPosition, allowed: ["max_length", "padding", "truncation", "special", "add_special_tokens"])
        try call.expectAtMost(optionsPosition)
        var batchOptions = BatchOptions()
        batchOptions.maxLength = try options.integer("max_length")
        switch options.value("padding") {
        case nil, .boolean(false)?: batchOptions.padding = .none
        case .boolean(true)?: batchOptions.padding = .longest
        default:
            let choice = try options.choice("padding", of: ["longest", "max_length", "do_not_pad"])
            batchOptions.padding = choice == "longest" ? .longest : choice == "max_length" ? .maxLength : .none
        }
        batchOptions.truncation = try options.boolean("truncation")
        batchOptions.addSpecialTokens = try options.boolean("special") ?? options.boolean("add_special_tokens") ?? true
        if let pairs, pairs.count != texts.count {
            throw LuaArgumentError(
                position: 3, message: "\(texts.count) texts but \(pairs.count) \(pairs.count == 1 ? "pair" : "pairs")")
        }
        let encoded = try tok(texts, pairs: pairs, options: batchOptions)
        let lengths = Set(encoded.inputIds.map(\.count))
        guard lengths.count <= 1 else {
            throw LuaArgumentError(
                position: optionsPosition,
                message:
                    "the texts give rows of \(lengths.min()!) to \(lengths.max()!) tokens; pass {padding=\"longest\"} for a rectangular batch"
            )
        }
        var rows: [(String, [[Int]])] = [("input_ids", encoded.inputIds), ("attention_mask", encoded.attentionMask)]
        if let types = encoded.tokenTypeIds { rows.append(("token_type_ids", types)) }
        let tensors = try rows.map { name, values in
            (
                name,
                try Tensor(shape: [values.count, lengths.first ?? 0], scalars: values.flatMap { $0.map(Int64.init) })
            )
        }
        TensorMemory.pace(call.lua)
        return try call.pushTable { table in
            for (name, tensor) in tensors { try table.set(name, object: tensor) }
        }
    }

    /// A list of strings, or one string as a batch of one.
    private static func strings(_ call: LuaCall, at position: Int) throws -> [String] {
        if call.type(at: position) == .string { return [try call.string(at: position)] }
        guard call.type(at: position) == .table else {
            throw call.typeError(position, expected: "string or list of strings")
        }
        let list = try call.table(at: position)
        guard list.fields.isEmpty, list.otherKeys == 0 else {
            throw LuaArgumentError(
                position: position, message: "a list of strings expected, got a table with other keys")
        }
        return try list.array.enumerated().map { index, value in
            guard let text = value.string else {
                throw LuaArgumentError(
                    position: position,
                    message: "entry \(index + 1) of the list must be a string, got \(value.typeName)")
            }
            return text
        }
    }

    /// Token ids from a Lua list of integers or a 1-D int64 tensor.
    private static func ids(_ call: LuaCall, at position: Int) throws -> [Int] {
        if let tensor = try? call.tensor(at: position) {
            guard tensor.dtype == .int64, tensor.rank == 1 else {
                throw LuaArgumentError(
                    position: position,
                    message:
                        "a 1-D int64 tensor of ids expected, got \(tensor.dtype) of shape \(shapeText(tensor.shape))")
            }
            return tensor.toArray(of: Int64.self).map { Int($0) }
        }
        guard call.type(at: position) == .table else {
            throw call.typeError(position, expected: "list of ids or Tensor")
        }
        return try call.integers(in: call.table(at: position), at: position, what: "id")
    }
}
