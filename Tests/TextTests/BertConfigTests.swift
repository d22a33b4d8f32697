import Foundation
import Testing
import Text

/// HF's `BertTokenizer` takes `do_lower_case` from `tokenizer_config.json` even when a
/// `tokenizer.json` is present. `scripts/reference/text.py` asserts that HF gives the
/// `bert-cased` fixture's ids for MiniLM's tokenizer.json with `do_lower_case: false`.
@Test func configDoLowerCaseOverridesTokenizerJSON() throws {
    let fixture = try Fixture.named("bert-cased")
    let config = try String(contentsOfFile: Fixture.path("minilm/tokenizer_config.json"), encoding: .utf8)
    var json = try JSONSerialization.jsonObject(with: Data(config.utf8)) as! [String: Any]
    json["do_lower_case"] = false
    let folder = try temporaryFolder([:])
    try FileManager.default.copyItem(atPath: Fixture.path("minilm/tokenizer.json"), toPath: folder + "/tokenizer.json")
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: folder + "/tokenizer_config.json"))
    let tok = try Tokenizer.load(folder)
    for item in fixture.encode {
        #expect(tok.encode(item.text) == item.ids, "\(item.text.debugDescription)")
    }
}

/// A large batch pads every row to the longest and gives repeated captions the same ids
/// (speed is measured in scripts/bench, not here).
@Test func largeCaptionBatch() throws {
    let tok = try Tokenizer.load(Fixture.path("clip"))
    let words = [
        "a", "screen", "recording", "of", "someone", "typing", "code", "while", "talking", "about",
        "the", "loss", "curve", "in", "terminal", "window", "with", "browser", "open", "3", "tabs",
    ]
    let captions = (0..<5000).map { index in
        (0..<12).map { words[(index * 7 + $0 * 3) % words.count] }.joined(separator: " ") + " #\(index % 50)"
    }
    let batch = try tok(captions, options: BatchOptions(maxLength: 77, padding: .longest, truncation: true))
    #expect(batch.inputIds.count == 5000)
    let longest = batch.inputIds.map(\.count).max()!
    #expect(batch.inputIds.allSatisfy { $0.count == longest })
    for i in 0..<100 where captions[i] == captions[i + 2100] { #expect(batch.inputIds[i] == batch.inputIds[i + 2100]) }
    #expect(
        batch.inputIds[0] == tok.encode(captions[0])
            + [Int](repeating: tok.padTokenId!, count: longest - tok.encode(captions[0]).count))
}
