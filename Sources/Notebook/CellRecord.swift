import Foundation

/// One executed cell: what was typed, how it ended and everything it showed.
///
/// The journal stores one record per line; `%save`, `%export`, `ember replay` and
/// `ember export` all work from records.
public struct CellRecord: Codable, Sendable, Equatable {
    /// How a cell ended.
    public enum Status: String, Codable, Sendable {
        case ok, error, interrupted
    }

    /// The cell number, as in `In [n]:`.
    public var number: Int
    /// The source exactly as typed.
    public var source: String
    /// How the source was understood; nil when it did not compile.
    public var kind: CellKind?
    /// For a ``CellKind/trailingExpression`` cell, the UTF-8 offset in `source` where its
    /// final expression begins.
    public var expressionStart: Int?
    /// How the cell ended.
    public var status: Status
    /// Wall time, in seconds.
    public var seconds: Double
    /// What the cell printed (`print`, `io.write`, library output), in order.
    public var output: String
    /// The displayed values (shown after `Out[n]: `), for expressions with values.
    public var result: String?
    /// The error message and traceback, for cells that failed.
    public var error: String?

    /// Makes a record.
    public init(
        number: Int, source: String, kind: CellKind? = nil, status: Status = .ok, seconds: Double = 0,
        output: String = "", result: String? = nil, error: String? = nil
    ) {
        self.number = number
        self.source = source
        self.kind = kind
        self.status = status
        self.seconds = seconds
        self.output = output
        self.result = result
        self.error = error
    }

    /// Everything the REPL shows below the input, as it shows it: the printed output, then
    /// `Out[n]: …` or the error. Replays compare this text.
    public var display: String {
        var text = output
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        if let result { text += "Out[\(number)]: \(result)\n" }
        if let error { text += error + "\n" }
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        return text
    }
}
