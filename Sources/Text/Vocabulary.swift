/// A token ↔ id table. Ids need not be contiguous.
struct Vocabulary: Sendable {
    private let ids: [ExactString: Int]
    private let tokens: [Int: String]

    init(_ ids: [String: Int]) {
        var exact: [ExactString: Int] = [:]
        var tokens: [Int: String] = [:]
        for (token, id) in ids {
            exact[ExactString(token)] = id
            tokens[id] = token
        }
        self.ids = exact
        self.tokens = tokens
    }

    /// From tokens listed in id order (`vocab.txt`): a repeated token keeps its last line's id.
    init(lines: [String]) {
        var ids: [ExactString: Int] = [:]
        var tokens: [Int: String] = [:]
        for (id, token) in lines.enumerated() {
            ids[ExactString(token)] = id
            tokens[id] = token
        }
        self.ids = ids
        self.tokens = tokens
    }

    func id(of token: String) -> Int? { ids[ExactString(token)] }
    func token(of id: Int) -> String? { tokens[id] }
    /// Number of distinct ids.
    var count: Int { tokens.count }
}

/// A string compared by its UTF-8 bytes. Swift's `String` equality is canonical equivalence, so
/// `"é"` would find the token `"e\u{301}"`; Hugging Face compares bytes, and so must we.
struct ExactString: Hashable, Sendable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        lhs.value.utf8.elementsEqual(rhs.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for byte in value.utf8 { hasher.combine(byte) }
    }
}
