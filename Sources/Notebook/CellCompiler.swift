import Lua

/// How a cell's source was understood.
public enum CellKind: String, Codable, Sendable {
    /// An expression: its values are shown (`Out[n]:`), stored in `_` and `Out[n]`.
    case expression
    /// An expression ending in `;`: evaluated and stored in `_`, not shown.
    case silenced
    /// Statements; their top-level `local`s are copied into the globals at the end.
    case statement
    /// Statements ending in `return`: the returned values are shown like an expression's, and
    /// the `local`s are not kept (nothing can run after the `return`).
    case block
    /// Statements followed by an expression, as a notebook cell often ends (`x = f()`, then
    /// `x`): the statements' `local`s are kept and the expression's values shown.
    case trailingExpression
}

/// The outcome of compiling a cell.
enum Compilation {
    /// Compiled into `function`; a statement cell ends with a call of its argument, which must
    /// be the locals' capture (``Lua/LuaLocalsCapture``). For a trailing expression,
    /// `expressionStart` is the UTF-8 offset where the expression begins.
    case ready(CellKind, function: LuaRef, expressionStart: Int? = nil)
    /// The chunk ends too early (`<eof>`): the REPL reads another line.
    case incomplete(LuaError)
    /// A real syntax error.
    case failed(LuaError)
}

extension CellKind {
    /// Whether the cell's function takes the locals' capture as its argument.
    var capturesLocals: Bool { self == .statement || self == .trailingExpression }
}

/// Compiles cells as `lua.c` does — `return` first, then statements, `<eof>` meaning "more
/// input" — with three notebook additions: a trailing `;` silences an expression, a statement
/// cell ends with a call that copies its top-level `local`s into the globals (LUA.md 3.2 and
/// 3.7), and statements followed by an expression show the expression's values, as a Jupyter
/// cell does.
struct CellCompiler {
    let lua: LuaState

    /// Compiles `source` under the chunk name `=[number]`, so errors read `[12]:3: …`.
    func compile(_ source: String, number: Int) -> Compilation {
        let name = "=[\(number)]"
        if let function = compiled("return \(source);", name) { return .ready(.expression, function: function) }
        let trimmed = source.trimmingTrailingWhitespace
        if trimmed.hasSuffix(";"), let function = compiled("return \(trimmed.dropLast());", name) {
            return .ready(.silenced, function: function)
        }
        if !trimmed.hasSuffix(";"), let (function, start) = compileTrailingExpression(source, name) {
            return .ready(.trailingExpression, function: function, expressionStart: start)
        }
        // The trailer passes through `...` so that it adds no global name. A cell ending in
        // `return` cannot take a trailer.
        if let function = compiled("\(source)\n;(...)()", name) { return .ready(.statement, function: function) }
        do {
            return .ready(.block, function: try lua.compile(source, chunkName: name))
        } catch let error as LuaError {
            return error.message.hasSuffix("<eof>") ? .incomplete(error) : .failed(error)
        } catch {
            return .failed(LuaError(kind: .syntax, message: "\(error)"))
        }
    }

    /// Whether `source` is an unfinished chunk (the REPL's continuation test).
    func isIncomplete(_ source: String) -> Bool {
        if case .incomplete = compile(source, number: 0) { return true }
        return false
    }

    /// Compiles a cell whose last statement is an expression as its statements, the locals'
    /// capture, then `return` the expression — on the same line, so errors keep their line
    /// numbers. Tries the last few places where a statement may end, latest first, so an
    /// expression spread over lines is found whole. Returns where the expression starts.
    /// (`a = b` newline `(f)()` is read as two statements here, where Lua reads one call.)
    private func compileTrailingExpression(_ source: String, _ name: String) -> (LuaRef, Int)? {
        let bytes = Array(source.utf8)
        for boundary in StatementBoundaries.offsets(in: bytes).reversed().prefix(8) {
            let expression = String(decoding: bytes[(boundary + 1)...], as: UTF8.self)
            if expression.allSatisfy(\.isWhitespace) { continue }
            // The statements must make a whole chunk by themselves: otherwise the `return`
            // would land inside one of their blocks (`for … do` newline `f(i)` newline `end`).
            let statements = String(decoding: bytes[...boundary], as: UTF8.self)
            guard compiled(statements, name) != nil else { continue }
            if let function = compiled("\(statements);(...)() return \(expression)\n;", name) {
                return (function, boundary + 1)
            }
        }
        return nil
    }

    /// The function `source` compiles to, or nil.
    private func compiled(_ source: String, _ name: String) -> LuaRef? {
        try? lua.compile(source, chunkName: name)
    }
}

extension String {
    /// The string without trailing spaces, tabs and newlines.
    var trimmingTrailingWhitespace: String {
        var end = endIndex
        while end > startIndex, let c = self[index(before: end)].asciiValue, c == 32 || c == 9 || c == 10 || c == 13 {
            end = index(before: end)
        }
        return String(self[..<end])
    }
}
