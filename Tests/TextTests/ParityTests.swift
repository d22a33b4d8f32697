import Testing
import Text

/// Every case of every fixture, compared exactly with Hugging Face's output.
@Suite struct ParityTests {
    @Test(arguments: Fixture.names)
    func properties(_ name: String) throws {
        let fixture = try Fixture.named(name)
        let tok = try fixture.tokenizer()
        #expect(tok.vocabularySize == fixture.vocabSize)
        #expect(tok.modelMaxLength == fixture.modelMaxLength)
        #expect(tok.padTokenId == fixture.padTokenId)
    }

    @Test(arguments: Fixture.names)
    func encode(_ name: String) throws {
        let fixture = try Fixture.named(name)
        let tok = try fixture.tokenizer()
        for (index, item) in fixture.encode.enumerated() {
            #expect(tok.encode(item.text) == item.ids, "corpus[\(index)] \(item.text.debugDescription)")
            #expect(
                tok.encode(item.text, special: false) == item.idsNoSpecial,
                "corpus[\(index)] without specials \(item.text.debugDescription)")
        }
    }

    @Test(arguments: Fixture.names)
    func pairs(_ name: String) throws {
        let fixture = try Fixture.named(name)
        let tok = try fixture.tokenizer()
        for item in fixture.pairs {
            let encoded = tok.encode(fixture.encode[item.a].text, pair: fixture.encode[item.b].text)
            #expect(encoded.ids == item.ids, "pair (\(item.a), \(item.b))")
            if let typeIds = item.typeIds {
                #expect(encoded.typeIds == typeIds, "pair (\(item.a), \(item.b)) type ids")
            }
        }
    }

    @Test(arguments: Fixture.names)
    func batches(_ name: String) throws {
        let fixture = try Fixture.named(name)
        let tok = try fixture.tokenizer()
        for (index, item) in fixture.batches.enumerated() {
            let texts = item.rows.map { fixture.encode[$0].text }
            let pairs = item.pairRows.map { $0.map { fixture.encode[$0].text } }
            let batch = try tok(texts, pairs: pairs, options: item.options.batchOptions)
            #expect(batch.inputIds == item.inputIds, "batch \(index) \(item.options)")
            #expect(batch.attentionMask == item.attentionMask, "batch \(index) mask")
            #expect(batch.tokenTypeIds == item.tokenTypeIds, "batch \(index) token type ids")
        }
    }

    @Test(arguments: Fixture.names)
    func decode(_ name: String) throws {
        let fixture = try Fixture.named(name)
        let tok = try fixture.tokenizer()
        for item in fixture.decode {
            let text = try tok.decode(item.ids, skipSpecialTokens: item.skipSpecial)
            #expect(text == item.text, "decode \(item.ids) skip=\(item.skipSpecial)")
        }
    }

    /// The same MiniLM tokenizer read from `tokenizer.json` alone and from `vocab.txt` alone gives
    /// the ids HF gives for the folder.
    @Test(arguments: ["minilm/tokenizer.json", "minilm/vocab.txt"])
    func miniLMFiles(_ file: String) throws {
        let fixture = try Fixture.named("minilm-auto")
        let tok = try Tokenizer.load(Fixture.path(file))
        for item in fixture.encode {
            #expect(tok.encode(item.text) == item.ids, "\(item.text.debugDescription)")
        }
    }

    /// CLIP from `vocab.json` given as a file (merges.txt beside it) matches HF's folder load.
    @Test func clipVocabFile() throws {
        let fixture = try Fixture.named("clip")
        let tok = try Tokenizer.load(Fixture.path("clip/vocab.json"))
        #expect(tok.kind == .bytePairEncoding)
        for item in fixture.encode {
            #expect(tok.encode(item.text) == item.ids, "\(item.text.debugDescription)")
        }
    }
}
