import Foundation
import Testing
import Text

/// A fresh temporary folder with the given files (name → contents).
func temporaryFolder(_ files: [String: String]) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-text-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, contents) in files {
        try contents.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return folder.path
}

/// The error `body` throws; fails the test when it throws none or another kind.
func tokenizerError(_ body: () throws -> Any) -> TokenizerError? {
    do {
        _ = try body()
        Issue.record("expected a TokenizerError")
    } catch let error as TokenizerError {
        return error
    } catch {
        Issue.record("expected a TokenizerError, got \(error)")
    }
    return nil
}

/// A tiny CLIP-style vocabulary: enough byte symbols for "ab" plus the two specials.
private let tinyVocab =
    #"{"a": 0, "b": 1, "a</w>": 2, "b</w>": 3, "ab</w>": 4, "<|startoftext|>": 5, "<|endoftext|>": 6}"#

@Suite struct ErrorTests {
    @Test func missingPath() {
        let error = tokenizerError { try Tokenizer.load("/nonexistent/tokenizer") }
        #expect(error == TokenizerError(file: "/nonexistent/tokenizer", reason: "no such file or folder"))
    }

    @Test func folderWithoutVocabulary() throws {
        let folder = try temporaryFolder(["README.md": "nothing here"])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(error?.file == folder)
        #expect(error?.reason.contains("no tokenizer.json") == true)
    }

    @Test func vocabJSONWithoutMerges() throws {
        let folder = try temporaryFolder(["vocab.json": tinyVocab])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(error == TokenizerError(file: folder, reason: "vocab.json without merges.txt"))
    }

    @Test func malformedMergesLine() throws {
        let folder = try temporaryFolder(["vocab.json": tinyVocab, "merges.txt": "#version: 0.2\na b</w>\na b c\n"])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(error?.file == folder + "/merges.txt")
        #expect(error?.reason == #"line 3: expected two symbols separated by one space, got "a b c""#)
    }

    @Test func mergeOutsideVocabulary() throws {
        let folder = try temporaryFolder(["vocab.json": tinyVocab, "merges.txt": "#version: 0.2\na b\n"])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(error?.file == folder + "/merges.txt")
        #expect(error?.reason == "merge 2 ('a b'): 'ab' is not in the vocabulary")
    }

    @Test func tinyBytePairVocabularyWorks() throws {
        let folder = try temporaryFolder(["vocab.json": tinyVocab, "merges.txt": "#version: 0.2\na b</w>\n"])
        let tok = try Tokenizer.load(folder)
        #expect(tok.encode("AB") == [5, 4, 6])
    }

    @Test func vocabJSONNotAnObject() throws {
        let folder = try temporaryFolder(["vocab.json": "[1, 2]", "merges.txt": "a b\n"])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(
            error
                == TokenizerError(
                    file: folder + "/vocab.json",
                    reason: "expected a JSON object mapping tokens to ids"))
    }

    @Test func vocabTxtWithoutSpecialTokens() throws {
        let folder = try temporaryFolder(["vocab.txt": "[PAD]\nhello\n"])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(error?.file == folder + "/vocab.txt")
        #expect(error?.reason.contains("is not in the vocabulary") == true)
    }

    @Test func emptyVocabTxt() throws {
        let folder = try temporaryFolder(["vocab.txt": ""])
        let error = tokenizerError { try Tokenizer.load(folder + "/vocab.txt") }
        #expect(error == TokenizerError(file: folder + "/vocab.txt", reason: "the vocabulary is empty"))
    }

    @Test func invalidTokenizerJSON() throws {
        let folder = try temporaryFolder(["tokenizer.json": "{not json"])
        let error = tokenizerError { try Tokenizer.load(folder) }
        #expect(error == TokenizerError(file: folder + "/tokenizer.json", reason: "not valid JSON"))
    }

    /// The real MiniLM tokenizer.json with one field changed must fail naming that field.
    @Test(arguments: [
        (
            "model", #"{"type": "Unigram", "vocab": {"a": 0}}"#,
            "model.type: 'Unigram' is not supported (BPE or WordPiece)"
        ),
        ("normalizer", #"{"type": "NFKC"}"#, "normalizer.type: normalizer 'NFKC' is not supported"),
        ("pre_tokenizer", #"{"type": "Metaspace"}"#, "pre_tokenizer.type: pre-tokenizer 'Metaspace' is not supported"),
        ("post_processor", #"{"type": "ByteLevel"}"#, "post_processor.type: 'ByteLevel' is not supported"),
        ("decoder", #"{"type": "Metaspace"}"#, "decoder.type: 'Metaspace' is not supported"),
        (
            "added_tokens", #"[{"id": 0, "content": "[PAD]", "lstrip": true}]"#,
            "added_tokens[0].lstrip: true is not supported ('[PAD]')"
        ),
    ])
    func unsupportedTokenizerJSONField(field: String, replacement: String, reason: String) throws {
        let original = try String(contentsOfFile: Fixture.path("minilm/tokenizer.json"), encoding: .utf8)
        var json = try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: Any]
        json[field] = try JSONSerialization.jsonObject(with: Data(replacement.utf8))
        let folder = try temporaryFolder([:])
        let file = folder + "/tokenizer.json"
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        let error = tokenizerError { try Tokenizer.load(file) }
        #expect(error == TokenizerError(file: file, reason: reason))
    }

    @Test func decodeUnknownId() throws {
        let tok = try Tokenizer.load(Fixture.path("minilm"))
        let error = tokenizerError { try tok.decode([101, 30522]) }
        #expect(error?.reason == "decode: id 30522 is not in the vocabulary (30522 ids)")
    }

    @Test func maxLengthShorterThanSpecialTokens() throws {
        let tok = try Tokenizer.load(Fixture.path("minilm"))
        let error = tokenizerError { try tok(["hello"], options: BatchOptions(maxLength: 1, truncation: true)) }
        #expect(error?.reason == "batch: max_length 1 is shorter than the 2 special tokens")
    }

    @Test func pairCountMismatch() throws {
        let tok = try Tokenizer.load(Fixture.path("minilm"))
        let error = tokenizerError { try tok(["a", "b"], pairs: ["c"]) }
        #expect(error?.reason == "batch: 2 texts but 1 pairs")
    }
}
