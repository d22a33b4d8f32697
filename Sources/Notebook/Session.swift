import Foundation
import Lua
import LuaBindings

/// A notebook session without a terminal: one Lua state with the Ember libraries, the cells
/// run so far, `_` and `Out`, and the journal. The REPL, `%run`, `ember replay` and the tests
/// all run cells through it.
public final class Session {
    /// The interpreter.
    public let lua: LuaState
    /// The cells run since the session started (or since `%reset`), in order.
    public private(set) var cells: [CellRecord] = []
    /// The number the next cell gets.
    public private(set) var nextNumber = 1
    /// Where every finished cell is appended, if anywhere.
    public let journal: Journal?
    /// What to tell the user about the journal after the last cell or reset, until taken.
    private var journalNotice: String?

    private var baseline: Set<String> = []
    private var restoreGlobals: LuaRef?

    /// Creates a session.
    /// - Parameters:
    ///   - output: where printed output goes (standard output by default).
    ///   - journal: the journal to append cells to.
    public init(output: LuaOutput = LuaOutput(), journal: Journal? = nil) {
        lua = LuaState(output: output)
        self.journal = journal
        EmberLibraries.install(into: lua)
        NotebookLibrary.install(into: self)
        installNotebookGlobals()  // after every library: it records the globals users did not make
    }

    /// Whether `source` is an unfinished chunk, so the REPL should read another line.
    public func isIncomplete(_ source: String) -> Bool {
        CellCompiler(lua: lua).isIncomplete(source)
    }

    /// The source as it was typed, for a source as saved by ``PercentFormat``: `_ = <expression>`
    /// gives back the expression, statements then `_ = <expression>` give back the statements
    /// then the expression; anything else is returned unchanged.
    public func typedSource(ofSaved source: String) -> String {
        let compiler = CellCompiler(lua: lua)
        if source.hasPrefix("_ = ") {
            let expression = String(source.dropFirst(4))
            if case .ready(.expression, _, _) = compiler.compile(expression, number: 0) { return expression }
            return source
        }
        let bytes = Array(source.utf8), marker = Array("_ = ".utf8)
        guard
            let boundary = StatementBoundaries.offsets(in: bytes).last(where: {
                bytes[($0 + 1)...].starts(with: marker)
            })
        else { return source }
        let typed = String(decoding: bytes[...boundary] + bytes[(boundary + 1 + marker.count)...], as: UTF8.self)
        if case .ready(.trailingExpression, _, boundary + 1) = compiler.compile(typed, number: 0) { return typed }
        return source
    }

    // MARK: - Running cells

    /// Runs one cell: compiles it, runs it under `lua_pcall` with Ctrl-C armed, captures what it
    /// prints, keeps its values in `_` and `Out[n]`, and journals it.
    /// - Parameters:
    ///   - source: the cell's source.
    ///   - number: the cell number (replays keep the recorded ones); the next one by default.
    /// - Returns: the record, with the displayed value or the error text.
    @discardableResult
    public func run(_ source: String, number: Int? = nil) -> CellRecord {
        let number = number ?? nextNumber
        nextNumber = max(nextNumber, number + 1)
        var record = CellRecord(number: number, source: source)
        LuaInterrupts.clear()
        lua.output.beginCapture()
        let start = ContinuousClock.now
        switch CellCompiler(lua: lua).compile(source, number: number) {
        case .incomplete(let error), .failed(let error):
            record.status = .error
            record.error = error.message
        case .ready(let kind, let function, let expressionStart):
            record.kind = kind
            record.expressionStart = expressionStart
            do {
                let arguments: [any LuaPushable] = kind.capturesLocals ? [LuaLocalsCapture()] : []
                keep(try lua.callKeepingResults(function, arguments: arguments), in: &record)
            } catch let error as LuaError {
                record.status = error.kind == .interrupted ? .interrupted : .error
                record.error = Session.errorText(error)
            } catch {
                record.status = .error
                record.error = "\(error)"
            }
        }
        let elapsed = ContinuousClock.now - start
        record.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        record.output = lua.output.endCapture()
        if record.status != .ok { lua.collectGarbage() }  // release the failed cell's temporaries
        cells.append(record)
        journal?.append(record)
        journalNotice = journal?.notice
        return record
    }

    /// What the front end should tell the user about the journal after the last cell or reset —
    /// that writing it failed (the cells stay in memory and are written again after each cell),
    /// or that the cells kept in memory are now written — once; nil when there is nothing to say.
    public func takeJournalNotice() -> String? {
        defer { journalNotice = nil }
        return journalNotice
    }

    /// Stores the first result of an expression cell in `_` and `Out[n]` and describes them
    /// all. The writes are raw: a metatable the user put on `_G` (strict mode) must not run
    /// from Swift.
    private func keep(_ results: [LuaRef], in record: inout CellRecord) {
        guard record.kind != .statement, let first = results.first else { return }
        lua.setGlobal("_", first)
        if let out = lua.rawField("Out", of: lua.globalsTable), lua.type(of: out) == .table {
            lua.rawSet(first, at: record.number, in: out)
        }
        if record.kind == .expression || record.kind == .block || record.kind == .trailingExpression {
            let printer = ValuePrinter(lua: lua)
            record.result = results.map(printer.describe).joined(separator: ", ")
        }
    }

    /// The message, and the traceback when it shows more than the cell's own line.
    static func errorText(_ error: LuaError) -> String {
        if error.kind == .interrupted { return error.message }
        var frames: [Substring] = []
        for line in error.traceback.split(separator: "\n") {
            frames.append(line)
            if line.hasSuffix("in main chunk") { break }
        }
        let informative = frames.filter {
            !$0.hasSuffix("in main chunk") && !$0.contains("[C]: in function 'error'") && !$0.contains("[C]: in ?")
        }
        guard !informative.isEmpty else { return error.message }
        return error.message + "\nstack traceback:\n" + frames.joined(separator: "\n")
    }

    // MARK: - Namespace

    /// The user's globals (those not present when the session started), with their type and
    /// a one-line display, sorted by name.
    public func userGlobals() -> [(name: String, type: String, summary: String)] {
        var printer = ValuePrinter(lua: lua)
        printer.maximumDepth = 1
        printer.maximumStringLength = 40
        return lua.rawEntries(of: lua.globalsTable).filter { !baseline.contains($0.key) && $0.key != "_" }.map {
            let summary = printer.describe($0.value).split(separator: "\n").first.map(String.init) ?? ""
            return ($0.key, lua.type(of: $0.value).name, summary)
        }.sorted { $0.name < $1.name }
    }

    /// Removes the user's globals, restores the globals the session started with, empties
    /// `_` and `Out`, forgets the cells (so `%save` starts afresh) and notes it in the journal.
    public func reset() {
        if let restoreGlobals { _ = try? lua.call(restoreGlobals) }
        resetOut()
        cells = []
        journal?.appendReset()
        journalNotice = journal?.notice
    }

    /// `Out` holds results weakly (LUA.md 3.8): a big tensor shown once is not pinned by it.
    private func resetOut() {
        _ = try? lua.evaluate("Out = setmetatable({}, {__mode = 'v'}) _ = nil")
    }

    private func installNotebookGlobals() {
        resetOut()
        let values = try? lua.evaluate(
            """
            local saved, G, next, rawset = {}, _G, next, rawset
            for k, v in next, G do saved[k] = v end
            return function()
                for k in next, G do if saved[k] == nil then rawset(G, k, nil) end end
                for k, v in next, saved do rawset(G, k, v) end
            end
            """)
        if case .function(let restore) = values?.first { restoreGlobals = restore }
        baseline = Set(lua.globalNames())
    }

    /// Sets the global `arg` (lua.c's argument table) as part of the session's starting state,
    /// so `%who` does not list it and `%reset` keeps it.
    func setArguments(_ arguments: [String], scriptIndex: Int) {
        ScriptRunner(session: self).setArguments(arguments, scriptIndex: scriptIndex)
        installNotebookGlobals()
    }
}
