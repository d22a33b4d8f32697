import Foundation
import Plot
import TensorCore
import Testing

/// Charts: SVG structure, PNG layout, and pixels where the lines must pass.
@Suite struct ChartTests {
    static let red = Color(hex: 0xFF0000), green = Color(hex: 0x00FF00), blue = Color(hex: 0x0000FF)

    /// Occurrences of `needle` in `text`.
    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The texts of the SVG's `<text>` elements.
    func texts(_ svg: String) -> [String] {
        svg.components(separatedBy: "<text ").dropFirst().map { part in
            let body = part.split(separator: ">", maxSplits: 1)[1]
            return String(body.prefix { $0 != "<" })
        }
    }

    @Test func lineChartSVGHasTheSeriesTicksAndLegend() throws {
        var chart = LineChart(
            title: "Loss <train & val>",
            series: [
                LineChart.Series(name: "train", values: [2.3, 1.9, 1.2, .nan, 0.8, 0.6]),
                try LineChart.Series(name: "validation", x: [2, 4, 6], y: [2.0, 1.1, 0.9]),
            ])
        chart.yLabel = "cross-entropy"
        let svg = chart.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"880\" height=\"520\""))
        #expect(svg.hasSuffix("</svg>\n"))
        // The NaN breaks the train line in two; validation is one line.
        #expect(count("<polyline", in: svg) == 3)
        // Few points: a marker on each of the 5 + 3 finite points.
        #expect(count("<circle", in: svg) == 8)
        let labels = texts(svg)
        #expect(labels.contains("Loss &lt;train &amp; val&gt;"))
        #expect(labels.contains("train") && labels.contains("validation"))
        #expect(labels.contains("step") && labels.contains("cross-entropy"))
        // y from 0.6 to 2.3 in steps of 0.5 (about one tick per 60 pixels), x 1 to 6 in whole steps.
        #expect(["0.5", "1.0", "1.5", "2.0", "2.5"].allSatisfy(labels.contains), "\(labels)")
        #expect(["1", "2", "3", "4", "5", "6"].allSatisfy(labels.contains), "\(labels)")
        #expect(svg.contains("transform=\"rotate(-90"))  // the y-axis title stands upright
    }

    @Test func tickLabelsFollowTheScale() throws {
        func labels(x: [Double], y: [Double]) throws -> [String] {
            texts(LineChart(series: [try LineChart.Series(name: "", x: x, y: y)]).svg())
        }
        // Thousands of steps in k; tiny learning rates as powers of ten.
        let large = try labels(x: [0, 50_000], y: [2e-5, 1e-4])
        #expect(["0", "10k", "20k", "50k"].allSatisfy(large.contains))
        #expect(["2e-5", "4e-5", "1e-4"].allSatisfy(large.contains))
        // Steps of 1, 2 or 5 × 10ᵏ; negative values keep their sign; a 0.2 step needs one decimal.
        let signed = try labels(x: [1, 3], y: [-7, 3])
        #expect(["-8", "-6", "-2", "0", "2", "4"].allSatisfy(signed.contains), "\(signed)")
        let fractions = try labels(x: [1, 3], y: [0, 0.9])
        #expect(["0.0", "0.2", "0.4", "1.0"].allSatisfy(fractions.contains), "\(fractions)")
    }

    @Test func pngHasTheChartSizeTimesTheScale() throws {
        let chart = LineChart(title: "t", series: [LineChart.Series(name: "a", values: [1, 2, 3])])
        let bytes = try chart.png(scale: 2)
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(u32(16) == 880 * 2 && u32(20) == 520 * 2)
        #expect(bytes[24] == 8 && bytes[25] == 2)  // 8-bit RGB
    }

    /// Rows of column `x` painted in `color` (exactly or blended from white, by at least half).
    func rows(of color: Color, in image: ChartImage, x: Int) -> [Int] {
        (0..<image.height).filter { y in
            let c = image.color(x: x, y: y)
            let target = [Int(color.red), Int(color.green), Int(color.blue)]
            let actual = [Int(c.red), Int(c.green), Int(c.blue)]
            return zip(target, actual).allSatisfy { t, a in abs(a - t) <= 128 } && c != .white
        }
    }

    @Test func linesPassWhereTheirValuesSay() throws {
        // Top edge (red, y = 1), bottom edge (green, y = 0), and a diagonal (blue) from 0 to 1.
        var chart = LineChart(series: [
            try LineChart.Series(name: "", x: [0, 10], y: [1, 1], color: Self.red, markers: false),
            try LineChart.Series(name: "", x: [0, 10], y: [0, 0], color: Self.green, markers: false),
            try LineChart.Series(name: "", x: [0, 10], y: [0, 1], color: Self.blue, markers: false),
        ])
        chart.yRange = 0...1
        let image = chart.rasterized()
        let redColumns = (0..<image.width).filter { !rows(of: Self.red, in: image, x: $0).isEmpty }
        let (left, right) = (Double(redColumns.first!), Double(redColumns.last!))
        for fraction in [0.25, 0.5, 0.75] {
            let x = Int((left + (right - left) * fraction).rounded())
            func centre(_ c: Color) -> Double {
                let r = rows(of: c, in: image, x: x)
                return Double(r.reduce(0, +)) / Double(r.count)
            }
            let top = centre(Self.red), bottom = centre(Self.green)
            let expected = bottom + (top - bottom) * fraction
            #expect(abs(centre(Self.blue) - expected) <= 1.5, "at \(fraction): \(centre(Self.blue)) vs \(expected)")
        }
        // The diagonal is anti-aliased: some of its pixels are partial blends.
        let column = Int((left + right) / 2)
        let columnColors: [Color] = (0..<image.height).map { image.color(x: column, y: $0) }
        let partial = columnColors.filter { (c: Color) -> Bool in c.blue == 255 && c.red > 0 && c.red < 200 }
        #expect(!partial.isEmpty)
    }

    @Test func chartFilesAreWrittenInTheRequestedFormats() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ember-plot-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let chart = LineChart(series: [LineChart.Series(name: "a", values: [1, 2])])
        #expect(try chart.write(to: dir + "/both") == [dir + "/both.svg", dir + "/both.png"])
        #expect(try chart.write(to: dir + "/only.png") == [dir + "/only.png"])
        #expect(FileManager.default.fileExists(atPath: dir + "/both.svg"))
        let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/only.png"))
        #expect(Array(png) == (try chart.png()))
        #expect(throws: TensorError.self) { try chart.write(to: dir + "/x", scale: 0) }
        #expect(throws: TensorError.self) { try LineChart.Series(name: "bad", x: [1], y: [1, 2]) }
    }

    @Test func confusionMatrixChart() throws {
        let chart = try ConfusionMatrixChart(
            counts: [[3, 0], [1, 2]], classNames: ["typing", "a very long class name indeed"])
        let svg = chart.svg()
        let labels = texts(svg)
        #expect(labels.contains("Confusion matrix"))
        #expect(labels.contains("typing"))
        #expect(labels.contains("a very long clas.."))  // shortened to 18 characters
        #expect(["3", "0", "1", "2"].allSatisfy(labels.contains))
        #expect(labels.contains("predicted class") && labels.contains("true class"))
        #expect(svg.contains("<linearGradient"))
        // Row 0 is all on the diagonal: its cell takes the darkest shade; the empty cell the lightest.
        let image = chart.rasterized()
        let pixels = (0..<image.height).flatMap { y in (0..<image.width).map { image.color(x: $0, y: y) } }
        let darkest = Color(hex: 0x08306B), lightest = Color(hex: 0xF4F8FB)
        #expect(pixels.filter { $0 == darkest }.count > 40 * 40)
        #expect(pixels.filter { $0 == lightest }.count > 40 * 40)
    }
}
