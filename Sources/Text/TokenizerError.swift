/// An error raised while loading or using a tokenizer.
///
/// Every error names the file it concerns (the vocabulary, merges or `tokenizer.json` file, or the
/// folder or file the tokenizer was loaded from) and says what is wrong, e.g.
/// `merges.txt line 12: expected two symbols separated by one space, got "a b c"`.
public struct TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The file or folder the error is about.
    public let file: String
    /// What is wrong, in words.
    public let reason: String

    /// Creates an error about `file`.
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    /// `"<file>: <reason>"`.
    public var description: String { "\(file): \(reason)" }
}
