/// WordPiece: greedy longest-match-first over a vocabulary (MODELS.md §7.4 step 5).
struct WordPieceModel: Sendable {
    let vocabulary: Vocabulary
    let unknownId: Int
    /// The marker of a piece that continues a word (`##`).
    let continuingPrefix: String
    /// Longer words (in Unicode scalars) become the unknown token without being split.
    let maxCharactersPerWord: Int

    /// The ids of one word. When some position has no matching piece, the whole word is unknown.
    func encode(word: String) -> [Int] {
        let characters = Array(word.unicodeScalars)
        if characters.count > maxCharactersPerWord { return [unknownId] }
        var ids: [Int] = []
        var start = 0
        while start < characters.count {
            var found: (id: Int, end: Int)?
            var end = characters.count
            while end > start {
                let piece = String(String.UnicodeScalarView(characters[start..<end]))
                if let id = vocabulary.id(of: start > 0 ? continuingPrefix + piece : piece) {
                    found = (id, end)
                    break
                }
                end -= 1
            }
            guard let found else { return [unknownId] }
            ids.append(found.id)
            start = found.end
        }
        return ids
    }
}
