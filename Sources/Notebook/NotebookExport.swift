import Foundation

/// Writes sessions as Jupyter notebooks (nbformat 4.5): one code cell per Ember cell with its
/// execution count and outputs — printed text as a `stream`, the shown value as an
/// `execute_result`, a failure as an `error`.
public enum NotebookExport {
    /// The notebook JSON for `cells`.
    public static func notebook(for cells: [ExportCell]) throws -> String {
        let document: [String: Any] = [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["name": "ember", "display_name": "Ember (Lua)", "language": "lua"],
                "language_info": ["name": "lua", "version": "5.4", "file_extension": ".lua"],
                "ember": ["version": EmberVersion.version],
            ],
            "cells": cells.enumerated().map { index, cell in codeCell(cell, index: index) },
        ]
        let data = try JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The cells of a session's records.
    public static func cells(from records: [CellRecord]) -> [ExportCell] {
        records.map {
            ExportCell(number: $0.number, source: $0.source, stdout: $0.output, result: $0.result, error: $0.error)
        }
    }

    /// The cells of a saved script: `_ = <expression>` cells that showed `Out[n]:` become the
    /// expression again, and the recorded text is split into printed output and the value.
    public static func cells(from recorded: [RecordedCell]) -> [ExportCell] {
        recorded.map { cell in
            let marker = "Out[\(cell.number)]: "
            var stdout = cell.expected
            var result: String?
            let lines = cell.expected.split(separator: "\n", omittingEmptySubsequences: false)
            if let index = lines.firstIndex(where: { $0.hasPrefix(marker) }) {
                stdout = lines[..<index].map { $0 + "\n" }.joined()
                let shown = [lines[index].dropFirst(marker.count)] + lines[(index + 1)...]
                result = shown.joined(separator: "\n").trimmingTrailingWhitespace
            }
            var source = cell.source
            if result != nil, source.hasPrefix("_ = ") { source = String(source.dropFirst(4)) }
            return ExportCell(number: cell.number, source: source, stdout: stdout, result: result, error: nil)
        }
    }

    private static func codeCell(_ cell: ExportCell, index: Int) -> [String: Any] {
        var outputs: [[String: Any]] = []
        if !cell.stdout.isEmpty {
            outputs.append(["output_type": "stream", "name": "stdout", "text": lines(cell.stdout)])
        }
        if let result = cell.result {
            outputs.append([
                "output_type": "execute_result", "execution_count": cell.number,
                "data": ["text/plain": lines(result)], "metadata": [String: Any](),
            ])
        }
        if let error = cell.error {
            let message = error.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? error
            outputs.append([
                "output_type": "error", "ename": "LuaError", "evalue": message,
                "traceback": error.split(separator: "\n").map(String.init),
            ])
        }
        return [
            "cell_type": "code", "id": "cell-\(index + 1)", "execution_count": cell.number,
            "metadata": [String: Any](), "source": lines(cell.source), "outputs": outputs,
        ]
    }

    /// nbformat's multi-line strings: a list of lines, each keeping its `\n`.
    private static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// One cell as it goes into a notebook.
public struct ExportCell: Equatable, Sendable {
    public var number: Int
    public var source: String
    public var stdout: String
    public var result: String?
    public var error: String?

    /// Makes a cell.
    public init(number: Int, source: String, stdout: String, result: String?, error: String?) {
        self.number = number
        self.source = source
        self.stdout = stdout
        self.result = result
        self.error = error
    }
}
