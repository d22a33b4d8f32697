import Lua
import Plot
import TensorCore

/// The `plot` library (DESIGN.md §2): line charts and confusion matrices as SVG and PNG. The
/// data bindings add `plot.frames` (PlotFrames.swift) to the same table.
enum PlotLibrary {
    static func install(into lua: LuaState) {
        let library = lua.library(
            "plot", summary: "pictures of data and training: plot.line(series, {path=}), plot.confusion, plot.frames")
        library.function(
            "line",
            "plot.line(series, {path=[, title=, xlabel=\"step\", ylabel=, ymin=, ymax=, width=880, height=520, "
                + "scale=2]}) -> {file, ...}",
            "Draws named series — {train={...}, val={x={...}, y={...}}} or {{name=, x=, y=}, ...} — "
                + "as a line chart; "
                + "a path without .svg/.png writes both."
        ) { call in
            try call.expectAtMost(2)
            let options = try call.options(
                at: 2, allowed: ["path", "title", "xlabel", "ylabel", "ymin", "ymax", "width", "height", "scale"])
            var chart = LineChart(title: try options.string("title") ?? "", series: try series(call.value(at: 1)))
            chart.xLabel = try options.string("xlabel") ?? chart.xLabel
            chart.yLabel = try options.string("ylabel") ?? ""
            chart.width = try options.integer("width") ?? chart.width
            chart.height = try options.integer("height") ?? chart.height
            guard chart.width >= 200, chart.height >= 150 else {
                throw LuaArgumentError(position: 2, message: "width and height must be at least 200 and 150 pixels")
            }
            if let low = try options.number("ymin"), let high = try options.number("ymax") {
                guard low < high else { throw LuaArgumentError(position: 2, message: "ymin must be below ymax") }
                chart.yRange = low...high
            }
            return call.push(try chart.write(to: try path(options), scale: try scale(options)))
        }
        library.function(
            "confusion", "plot.confusion(matrix, {path=[, classes=, title=, scale=2]}) -> {file, ...}",
            "Draws a confusion matrix (int64 [C, C], rows true classes, as train.confusion gives) as a heatmap."
        ) { call in
            try call.expectAtMost(2)
            let options = try call.options(at: 2, allowed: ["path", "classes", "title", "scale"])
            let counts = try confusion(try call.tensor(at: 1))
            let names = try options.table("classes").map { t in t.array.map { $0.string ?? "?" } } ?? []
            let chart = try ConfusionMatrixChart(
                counts: counts, classNames: names, title: try options.string("title") ?? "Confusion matrix")
            return call.push(try chart.write(to: try path(options), scale: try scale(options)))
        }
    }

    private static func path(_ options: LuaOptions) throws -> String {
        guard let path = try options.string("path") else {
            throw LuaArgumentError(
                position: options.position, message: "option 'path' is required (where to write the chart)")
        }
        return path
    }

    private static func scale(_ options: LuaOptions) throws -> Int {
        let scale = try options.integer("scale") ?? 2
        guard (1...4).contains(scale) else {
            throw LuaArgumentError(position: options.position, message: "scale must be 1 to 4")
        }
        return scale
    }

    /// Series from `{name = values, ...}` (sorted by name), `{{name=, x=, y=}, ...}` (in order),
    /// or one list of numbers. Values are a list of numbers (x = 1, 2, …) or `{x=, y=}`.
    static func series(_ value: LuaValue) throws -> [LineChart.Series] {
        func fail(_ message: String) -> LuaArgumentError { LuaArgumentError(position: 1, message: message) }
        guard case .table(let table) = value else { throw fail("table of series expected, got \(value.typeName)") }
        func numbers(_ value: LuaValue?, _ what: String) throws -> [Double] {
            guard case .table(let list)? = value else { throw fail("\(what): list of numbers expected") }
            return try list.array.map { v in
                guard let x = v.number else { throw fail("\(what): list of numbers expected, found a \(v.typeName)") }
                return x
            }
        }
        func one(_ name: String, _ value: LuaValue) throws -> LineChart.Series {
            guard case .table(let t) = value else {
                throw fail("series '\(name)': list of numbers or {x=, y=} expected")
            }
            if t.fields["y"] != nil {
                let y = try numbers(t.fields["y"], "series '\(name)' y")
                let x =
                    t.fields["x"] == nil
                    ? y.indices.map { Double($0 + 1) } : try numbers(t.fields["x"], "series '\(name)' x")
                do { return try LineChart.Series(name: name, x: x, y: y) } catch { throw fail("\(error)") }
            }
            return LineChart.Series(name: name, values: try numbers(value, "series '\(name)'"))
        }
        if table.array.first?.number != nil { return [try one("", value)] }
        if !table.array.isEmpty {
            return try table.array.enumerated().map { index, entry in
                guard case .table(let t) = entry else { throw fail("series \(index + 1): table expected") }
                return try one(t.fields["name"]?.string ?? "", entry)
            }
        }
        guard !table.fields.isEmpty else { throw fail("no series to draw") }
        return try table.fields.keys.sorted().map { try one($0, table.fields[$0]!) }
    }

    /// The rows of a confusion matrix given as int64 counts `[C, C]`.
    static func confusion(_ counts: Tensor) throws -> [[Int]] {
        guard counts.rank == 2, counts.shape[0] == counts.shape[1], counts.shape[0] > 0, counts.dtype == .int64 else {
            throw LuaArgumentError(
                position: 1, message: "confusion matrix expected (int64 [C, C]), got \(counts.dtype) \(counts.shape)")
        }
        let values = counts.toArray(of: Int64.self)
        guard values.allSatisfy({ $0 >= 0 }), values.contains(where: { $0 > 0 }) else {
            throw LuaArgumentError(
                position: 1, message: "a confusion matrix holds counts >= 0, at least one of them positive")
        }
        let c = counts.shape[0]
        return (0..<c).map { row in values[(row * c)..<((row + 1) * c)].map { Int($0) } }
    }
}
