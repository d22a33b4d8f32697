/// Where special tokens go around one or two sequences, and the token type of each position
/// (Hugging Face's `TemplateProcessing`; `RobertaProcessing` is a fixed template).
struct PostProcessor: Sendable {
    /// One item of a template.
    enum Item: Sendable, Equatable {
        /// Special token ids, inserted as they are.
        case special([Int], typeId: Int)
        /// The first (`A`) sequence.
        case first(typeId: Int)
        /// The second (`B`) sequence.
        case second(typeId: Int)
    }

    var single: [Item]
    var pair: [Item]

    /// `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`, types 0 up to the first `[SEP]`, 1 after it.
    static func bert(cls: Int, sep: Int) -> PostProcessor {
        PostProcessor(
            single: [.special([cls], typeId: 0), .first(typeId: 0), .special([sep], typeId: 0)],
            pair: [
                .special([cls], typeId: 0), .first(typeId: 0), .special([sep], typeId: 0),
                .second(typeId: 1), .special([sep], typeId: 1),
            ])
    }

    /// RoBERTa's layout, which CLIP uses: `bos A eos` and `bos A eos eos B eos`, all type 0.
    static func roberta(bos: Int, eos: Int) -> PostProcessor {
        PostProcessor(
            single: [.special([bos], typeId: 0), .first(typeId: 0), .special([eos], typeId: 0)],
            pair: [
                .special([bos], typeId: 0), .first(typeId: 0), .special([eos, eos], typeId: 0),
                .second(typeId: 0), .special([eos], typeId: 0),
            ])
    }

    /// How many special tokens the template adds: what truncation must leave room for.
    func specialCount(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { total, item in
            if case .special(let ids, _) = item { return total + ids.count }
            return total
        }
    }

    /// Lays out `first` (and `second`) with the special tokens.
    func apply(_ first: [Int], _ second: [Int]?) -> (ids: [Int], typeIds: [Int]) {
        var ids: [Int] = []
        var typeIds: [Int] = []
        for item in second == nil ? single : pair {
            let part: [Int]
            let typeId: Int
            switch item {
            case .special(let special, let type): (part, typeId) = (special, type)
            case .first(let type): (part, typeId) = (first, type)
            case .second(let type): (part, typeId) = (second ?? [], type)
            }
            ids += part
            typeIds += Array(repeating: typeId, count: part.count)
        }
        return (ids, typeIds)
    }
}
