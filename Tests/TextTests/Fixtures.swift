import Foundation
import Text

/// The committed reference fixtures of `scripts/reference/text.py` (Hugging Face's ids).
struct Fixture: Decodable {
    struct Load: Decodable {
        var path: String
        /// Present for tokenizers built from `vocab.txt` with explicit `BertTokenizer` arguments.
        var bert: BertArguments?
    }

    struct BertArguments: Decodable {
        var doLowerCase: Bool?
        var stripAccents: Bool?
        var tokenizeChineseChars: Bool?
    }

    struct EncodeCase: Decodable {
        var text: String
        var ids: [Int]
        var idsNoSpecial: [Int]
    }

    struct PairCase: Decodable {
        var a: Int
        var b: Int
        var ids: [Int]
        var typeIds: [Int]?
    }

    struct BatchCase: Decodable {
        struct Options: Decodable {
            var padding: String?
            var truncation: Bool?
            var maxLength: Int?
            var addSpecialTokens: Bool?
        }
        var rows: [Int]
        var pairRows: [Int]?
        var options: Options
        var inputIds: [[Int]]
        var attentionMask: [[Int]]
        var tokenTypeIds: [[Int]]?
    }

    struct DecodeCase: Decodable {
        var ids: [Int]
        var skipSpecial: Bool
        var text: String
    }

    var name: String
    var load: Load
    var vocabSize: Int
    var modelMaxLength: Int?
    var padTokenId: Int?
    var encode: [EncodeCase]
    var pairs: [PairCase]
    var batches: [BatchCase]
    var decode: [DecodeCase]

    /// Every fixture file, by name.
    static let names = [
        "bert-uncased", "bert-cased", "bert-uncased-keep-accents", "bert-cased-strip-accents-no-cjk",
        "minilm-auto", "clip", "clip-small",
    ]

    /// `Tests/Fixtures/text`, found from this source file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("text")

    static func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    static func named(_ name: String) throws -> Fixture {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Fixture.self, from: data)
    }

    /// The tokenizer the fixture describes, loaded the way the reference script built it.
    func tokenizer() throws -> Tokenizer {
        guard let bert = load.bert else { return try Tokenizer.load(Fixture.path(load.path)) }
        let options = WordPieceOptions(
            lowercase: bert.doLowerCase ?? true, stripAccents: bert.stripAccents,
            tokenizeChineseChars: bert.tokenizeChineseChars ?? true)
        return try Tokenizer.wordPiece(vocabFile: Fixture.path(load.path), options: options)
    }
}

extension Fixture.BatchCase.Options {
    var batchOptions: BatchOptions {
        let padding: Padding =
            switch self.padding {
            case "longest": .longest
            case "max_length": .maxLength
            default: .none
            }
        return BatchOptions(
            maxLength: maxLength, padding: padding, truncation: truncation,
            addSpecialTokens: addSpecialTokens ?? true)
    }
}
