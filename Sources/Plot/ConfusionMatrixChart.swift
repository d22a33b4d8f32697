import TensorCore

/// A confusion matrix drawn as a heatmap with class names, written as SVG text or a PNG image.
///
/// Rows are true classes and columns predictions. Each cell shows its count; its shade is the
/// count's share of its row (the class's recall on the diagonal), so rare classes are as
/// readable as common ones, and a color bar on the right gives the scale. Long class names
/// are shortened and column names turn upright when they do not fit under their cells.
public struct ConfusionMatrixChart: Chart {
    /// `counts[t][p]`: the samples of true class t predicted as p (a square matrix).
    public var counts: [[Int]]
    /// Names in class-id order; missing names show the id.
    public var classNames: [String]
    public var title: String
    /// Shade by share of the row (true); false shades by share of the largest cell.
    public var shadeByRow = true

    /// - Throws: when `counts` is not square or holds a negative count.
    public init(counts: [[Int]], classNames: [String] = [], title: String = "Confusion matrix") throws {
        guard counts.allSatisfy({ $0.count == counts.count }), counts.joined().allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(
                "plot.confusion: counts must be a square matrix of counts >= 0, got rows of \(counts.map(\.count))")
        }
        self.counts = counts
        self.classNames = classNames
        self.title = title
    }

    // MARK: - Layout

    static let padding = 18.0
    static let textSize = 2
    static let longestName = 18

    /// The displayed name of class `c`.
    func name(_ c: Int) -> String {
        let full = c < classNames.count ? classNames[c] : String(c)
        return full.count <= Self.longestName ? full : String(full.prefix(Self.longestName - 2)) + ".."
    }

    /// The share of the scale cell (t, p) stands at.
    func shade(_ t: Int, _ p: Int) -> Double {
        let count = Double(counts[t][p])
        let whole = shadeByRow ? Double(counts[t].reduce(0, +)) : Double(counts.joined().max() ?? 0)
        return whole > 0 ? count / whole : 0
    }

    public func drawing() -> Drawing {
        let n = max(counts.count, 1)
        let cap = Drawing.capHeight(size: Self.textSize)
        let names = (0..<counts.count).map(name)
        let nameWidth = names.map { Drawing.textWidth($0, size: Self.textSize) }.max() ?? 0
        let cell = min(max((540 / Double(n)).rounded(.down), 30), 76)
        // Column names stand upright when any is wider than a cell.
        let upright = nameWidth > cell - 6
        let grid = cell * Double(n)
        let titleHeight = title.isEmpty ? 0 : cap + 20
        let left = Self.padding + cap + 14 + nameWidth + 10
        let top = Self.padding + titleHeight
        let columnNames = upright ? nameWidth : cap
        let barLabel = Drawing.textWidth("100%", size: Self.textSize)
        let titleWidth = Drawing.textWidth(title, size: Self.textSize) + 2 * Self.padding
        let width = Int(max(left + grid + 24 + 14 + 8 + barLabel + Self.padding, titleWidth).rounded(.up))
        let height = Int(top + grid + 10 + columnNames + 14 + cap + Self.padding)
        var d = Drawing(width: width, height: height)
        if !title.isEmpty {
            d.text(title, x: Double(width) / 2, y: Self.padding + cap, size: Self.textSize, anchor: .middle, bold: true)
        }
        drawCells(&d, left: left, top: top, cell: cell)
        for (c, name) in names.enumerated() {
            let middle = top + (Double(c) + 0.5) * cell
            d.text(name, x: left - 10, y: middle + cap / 2, size: Self.textSize, anchor: .end)
            if upright {
                d.text(
                    name, x: left + (Double(c) + 0.5) * cell + cap / 2, y: top + grid + 10, size: Self.textSize,
                    anchor: .end, vertical: true)
            } else {
                d.text(
                    name, x: left + (Double(c) + 0.5) * cell, y: top + grid + 10 + cap, size: Self.textSize,
                    anchor: .middle)
            }
        }
        d.text(
            "true class", x: Self.padding + cap, y: top + grid / 2, size: Self.textSize, color: .mutedText,
            anchor: .middle, vertical: true)
        d.text(
            "predicted class", x: left + grid / 2, y: Double(height) - Self.padding, size: Self.textSize,
            color: .mutedText, anchor: .middle)
        drawColorBar(&d, x: left + grid + 24, top: top, height: grid)
        return d
    }

    private func drawCells(_ d: inout Drawing, left: Double, top: Double, cell: Double) {
        let texts = counts.joined().map(String.init)
        let widest = texts.map { Drawing.textWidth($0, size: Self.textSize) }.max() ?? 0
        // Counts shrink to the small size when the large one does not fit; with neither they are left out.
        let size = widest <= cell - 8 ? Self.textSize : 1
        let fits = Drawing.textWidth(texts.max(by: { $0.count < $1.count }) ?? "", size: size) <= cell - 4
        for t in 0..<counts.count {
            for p in 0..<counts.count {
                let color = Color.heat(shade(t, p))
                let r = Rect(x: left + Double(p) * cell, y: top + Double(t) * cell, width: cell - 1, height: cell - 1)
                d.rect(r, color)
                guard fits else { continue }
                d.text(
                    String(counts[t][p]), x: r.x + r.width / 2,
                    y: r.y + (r.height + Drawing.capHeight(size: size)) / 2,
                    size: size, color: color.luminance < 0.55 ? .white : .text, anchor: .middle)
            }
        }
    }

    /// A vertical gradient from 0 (bottom) to the full share (top), labelled at both ends and the middle.
    private func drawColorBar(_ d: inout Drawing, x: Double, top: Double, height: Double) {
        d.items.append(.gradient(Rect(x: x, y: top, width: 14, height: height), stops: [1, 0.5, 0].map(Color.heat)))
        let cap = Drawing.capHeight(size: Self.textSize)
        let labels = shadeByRow ? ["100%", "50%", "0%"] : [String(counts.joined().max() ?? 0), "", "0"]
        for (k, label) in labels.enumerated() where !label.isEmpty {
            let y = top + Double(k) * height / 2
            d.text(
                label, x: x + 14 + 8, y: min(max(y + cap / 2, top + cap), top + height), size: Self.textSize,
                color: .mutedText)
        }
    }
}
