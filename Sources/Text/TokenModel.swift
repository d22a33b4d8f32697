/// The model step: one pre-tokenized word in, ids out.
enum TokenModel: Sendable {
    case bytePair(BytePairModel)
    case wordPiece(WordPieceModel)

    func encode(word: String) -> [Int] {
        switch self {
        case .bytePair(let model): return model.encode(word: word)
        case .wordPiece(let model): return model.encode(word: word)
        }
    }

    var vocabulary: Vocabulary {
        switch self {
        case .bytePair(let model): return model.vocabulary
        case .wordPiece(let model): return model.vocabulary
        }
    }
}
