import TensorCore

/// A line chart of one or more named series against a step axis — train loss against validation
/// loss, accuracy per epoch — written as SVG text or a PNG image.
///
/// Axes get round-numbered ticks and a light grid, series are told apart by color (a legend
/// under the title names them), and series with few points get a marker on each point. Points
/// with a non-finite y break the line.
///
/// ```swift
/// var chart = LineChart(title: "Loss", series: [
///     .init(name: "train", x: steps, y: trainLoss),
///     .init(name: "validation", x: epochEnds, y: validationLoss),
/// ])
/// chart.yLabel = "cross-entropy"
/// try chart.write(to: "runs/a/loss")   // loss.svg and loss.png
/// ```
public struct LineChart: Chart {
    /// One named line.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// The line's color; nil takes the next palette color (``Color/series``).
        public var color: Color?
        /// Draw a dot on each point; nil draws them when the series has at most 40 points.
        public var markers: Bool?

        /// A series of points (x[i], y[i]).
        /// - Throws: when `x` and `y` differ in length.
        public init(name: String, x: [Double], y: [Double], color: Color? = nil, markers: Bool? = nil) throws {
            guard x.count == y.count else {
                throw TensorError.invalidArgument(
                    "plot.line: series '\(name)' has \(x.count) x values and \(y.count) y values")
            }
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.markers = markers
        }

        /// A series of values at steps 1, 2, 3, ….
        public init(name: String, values: [Double], color: Color? = nil, markers: Bool? = nil) {
            self.name = name
            x = values.indices.map { Double($0 + 1) }
            y = values
            self.color = color
            self.markers = markers
        }
    }

    public var title: String
    public var series: [Series]
    public var xLabel = "step"
    public var yLabel = ""
    /// The image size in pixels (the PNG is this times its scale).
    public var width = 880
    public var height = 520
    /// A fixed y range; by default the range covers every finite value.
    public var yRange: ClosedRange<Double>?

    public init(title: String = "", series: [Series]) {
        self.title = title
        self.series = series
    }

    // MARK: - Layout

    static let padding = 18.0
    static let textSize = 2
    static let lineWidth = 2.0

    /// The chart laid out in pixels.
    public func drawing() -> Drawing {
        var d = Drawing(width: width, height: height)
        let cap = Drawing.capHeight(size: Self.textSize)
        var top = Self.padding
        if !title.isEmpty {
            d.text(title, x: Double(width) / 2, y: top + cap, size: Self.textSize, anchor: .middle, bold: true)
            top += cap + 14
        }
        let colors = series.enumerated().map { $0.element.color ?? Color.series[$0.offset % Color.series.count] }
        if series.contains(where: { !$0.name.isEmpty }) {
            top += drawLegend(&d, baseline: top + cap, colors: colors) + 6
        }
        let (xAxis, yAxis, plot) = layout(top: top + 4)
        drawGrid(&d, plot, xAxis, yAxis)
        for (s, color) in zip(series, colors) {
            drawSeries(&d, s, color: color, plot: plot, xAxis: xAxis, yAxis: yAxis)
        }
        if series.allSatisfy({ $0.y.allSatisfy { !$0.isFinite } }) {
            d.text(
                "no data", x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, size: Self.textSize,
                color: .mutedText, anchor: .middle)
        }
        return d
    }

    /// Axes and the plot rectangle below `top`, leaving room for tick labels and axis titles.
    private func layout(top: Double) -> (AxisScale, AxisScale, Rect) {
        let finite = series.flatMap { s in zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = finite.map(\.0), ys = finite.map(\.1)
        let cap = Drawing.capHeight(size: Self.textSize)
        let bottom = Double(height) - Self.padding - (xLabel.isEmpty ? 0 : cap + 14) - cap - 10
        let plotHeight = max(bottom - top, 10)
        let yAxis = AxisScale(
            covering: yRange?.lowerBound ?? ys.min() ?? 0, yRange?.upperBound ?? ys.max() ?? 1,
            count: max(2, Int(plotHeight / 60)))
        let yLabelWidth = yAxis.ticks.map { Drawing.textWidth(yAxis.label($0), size: Self.textSize) }.max() ?? 0
        let left = Self.padding + (yLabel.isEmpty ? 0 : cap + 14) + yLabelWidth + 10
        let integral = xs.allSatisfy { $0 == $0.rounded() }
        func xScale(_ plotWidth: Double) -> AxisScale {
            AxisScale(covering: xs.min() ?? 0, xs.max() ?? 1, count: max(2, Int(plotWidth / 110)), integral: integral)
        }
        // The last x tick label is centred on the plot's right edge: leave room for its half.
        let widest = xScale(Double(width) - left)
        let lastLabel = widest.ticks.last.map(widest.label) ?? ""
        let right = Double(width) - Self.padding - Drawing.textWidth(lastLabel, size: Self.textSize) / 2
        let plotWidth = max(right - left, 10)
        let xAxis = xScale(plotWidth)
        return (xAxis, yAxis, Rect(x: left, y: top, width: plotWidth, height: plotHeight))
    }

    /// Draws the legend in centred rows that fit the width, the first baseline at `baseline`.
    /// - Returns: the height the rows take.
    private func drawLegend(_ d: inout Drawing, baseline: Double, colors: [Color]) -> Double {
        let sample = 22.0, gap = 8.0, spacing = 26.0, rowHeight = Drawing.capHeight(size: Self.textSize) + 12
        let entries = zip(series, colors).filter { !$0.0.name.isEmpty }
        func entryWidth(_ name: String) -> Double { sample + gap + Drawing.textWidth(name, size: Self.textSize) }
        var rows: [[(Series, Color)]] = [[]]
        var used = 0.0
        for entry in entries {
            let w = entryWidth(entry.0.name)
            if !rows[rows.count - 1].isEmpty && used + spacing + w > Double(width) - 2 * Self.padding {
                rows.append([])
                used = 0
            }
            used += (rows[rows.count - 1].isEmpty ? 0 : spacing) + w
            rows[rows.count - 1].append(entry)
        }
        for (r, row) in rows.enumerated() {
            let y = baseline + Double(r) * rowHeight
            let total = row.reduce(-spacing) { $0 + entryWidth($1.0.name) + spacing }
            var x = (Double(width) - total) / 2
            let middle = y - Drawing.capHeight(size: Self.textSize) / 2
            for (s, color) in row {
                d.rect(Rect(x: x, y: (middle - 1.5).rounded(), width: sample, height: 3), color)
                d.text(s.name, x: x + sample + gap, y: y, size: Self.textSize, color: .text)
                x += entryWidth(s.name) + spacing
            }
        }
        return Double(rows.count) * rowHeight
    }

    private func drawGrid(_ d: inout Drawing, _ plot: Rect, _ xAxis: AxisScale, _ yAxis: AxisScale) {
        let cap = Drawing.capHeight(size: Self.textSize)
        for t in yAxis.ticks {
            let y = (plot.maxY - yAxis.fraction(t) * plot.height).rounded()
            d.rect(Rect(x: plot.x, y: y, width: plot.width, height: 1), .grid)
            d.text(yAxis.label(t), x: plot.x - 10, y: y + cap / 2, size: Self.textSize, color: .mutedText, anchor: .end)
        }
        for t in xAxis.ticks {
            let x = (plot.x + xAxis.fraction(t) * plot.width).rounded()
            d.rect(Rect(x: x, y: plot.y, width: 1, height: plot.height), .grid)
            d.text(
                xAxis.label(t), x: x, y: plot.maxY + 10 + cap, size: Self.textSize, color: .mutedText, anchor: .middle)
        }
        d.rect(Rect(x: plot.x, y: plot.maxY.rounded(), width: plot.width + 1, height: 1), .axis)
        d.rect(Rect(x: plot.x.rounded(), y: plot.y, width: 1, height: plot.height + 1), .axis)
        if !xLabel.isEmpty {
            d.text(
                xLabel, x: plot.x + plot.width / 2, y: Double(height) - Self.padding, size: Self.textSize,
                anchor: .middle)
        }
        if !yLabel.isEmpty {
            d.text(
                yLabel, x: Self.padding + cap, y: plot.y + plot.height / 2, size: Self.textSize, anchor: .middle,
                vertical: true)
        }
    }

    private func drawSeries(
        _ d: inout Drawing, _ s: Series, color: Color, plot: Rect, xAxis: AxisScale, yAxis: AxisScale
    ) {
        func point(_ i: Int) -> Point {
            Point(x: plot.x + xAxis.fraction(s.x[i]) * plot.width, y: plot.maxY - yAxis.fraction(s.y[i]) * plot.height)
        }
        let clip = Rect(
            x: plot.x - Self.lineWidth, y: plot.y - Self.lineWidth,
            width: plot.width + 2 * Self.lineWidth, height: plot.height + 2 * Self.lineWidth)
        // Runs of finite points, each thinned to what the plot's pixel columns can show.
        var run: [Int] = []
        func flush() {
            if !run.isEmpty {
                let kept = Self.thinned(run, x: s.x, y: s.y, columns: Int(plot.width))
                d.items.append(.polyline(kept.map(point), color: color, width: Self.lineWidth, clip: clip))
            }
            run = []
        }
        for i in s.x.indices {
            if s.x[i].isFinite && s.y[i].isFinite { run.append(i) } else { flush() }
        }
        flush()
        let finite = s.x.indices.filter { s.x[$0].isFinite && s.y[$0].isFinite }
        if s.markers ?? (finite.count <= 40) {
            for i in finite {
                let p = point(i)
                if p.y >= clip.y && p.y <= clip.maxY { d.items.append(.circle(p, radius: 3.5, fill: color)) }
            }
        }
    }

    /// Keeps, of the indices `run` (in x order), the first and last point and the lowest and highest
    /// point of each of `columns` equal x slices, so a 50 000-step curve keeps its envelope in a
    /// few thousand points.
    static func thinned(_ run: [Int], x: [Double], y: [Double], columns: Int) -> [Int] {
        guard run.count > 4 * columns, let first = run.first, let last = run.last, x[last] > x[first] else {
            return run
        }
        let width = (x[last] - x[first]) / Double(columns)
        var kept: [Int] = []
        var slice: [Int] = []
        var current = 0
        func close() {
            guard let lo = slice.min(by: { y[$0] < y[$1] }), let hi = slice.max(by: { y[$0] < y[$1] }) else { return }
            kept += Set([slice.first!, lo, hi, slice.last!]).sorted()
            slice = []
        }
        for i in run {
            let column = min(Int((x[i] - x[first]) / width), columns - 1)
            if column != current { close(); current = column }
            slice.append(i)
        }
        close()
        return kept
    }
}
