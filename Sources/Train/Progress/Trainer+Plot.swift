import Plot

extension Trainer {
    /// Draws a chart of the run and writes it as SVG and PNG (`tr:plot("loss")`):
    /// - `"loss"`: the training loss of every step against the validation loss;
    /// - `"lr"`: the learning rate of every step;
    /// - `"confusion"`: the last validation's confusion matrix, with
    ///   ``TrainerOptions/classNames``;
    /// - any validation metric (`"accuracy"`, `"f1"`, `"recall@1"`): its value at each validation.
    /// - Parameter path: where to write; a path ending in `.svg` or `.png` writes that format
    ///   only, any other path is a base name for both. By default `<run dir>/<what>`.
    /// - Returns: the files written.
    /// - Throws: ``TrainingError/setup(_:)`` when there is nothing to draw yet, the name is not
    ///   a chart, or there is neither a path nor a run folder.
    @discardableResult
    public func plot(_ what: String, to path: String? = nil) throws -> [String] {
        guard let target = path ?? options.directory.map({ $0 + "/" + what.replacing("/", with: "_") }) else {
            throw TrainingError.setup("plot: give a path, or give the trainer a run folder (dir=)")
        }
        if what == "confusion" {
            guard let matrix = lastValidation?.confusion else {
                throw TrainingError.setup("plot: no confusion matrix yet; it comes with a validation of a classifier")
            }
            let title = "Confusion matrix (epoch \(lastValidation!.epoch))"
            return try ConfusionMatrixChart(matrix, classNames: options.classNames, title: title).write(
                to: target, scale: 2)
        }
        var chart = try lineChart(what)
        chart.xLabel = "step"
        return try chart.write(to: target, scale: 2)
    }

    private func lineChart(_ what: String) throws -> LineChart {
        let steps = history.steps.map { Double($0.step) }
        let validations = history.validations
        switch what {
        case "loss":
            guard !steps.isEmpty || !validations.isEmpty else { throw nothingYet(what) }
            var series: [LineChart.Series] = []
            let losses = history.steps.map(\.loss)
            if steps.count > 40 {
                // Batch losses are noisy: drawn faintly, with their moving average on top.
                series.append(
                    try LineChart.Series(
                        name: "train (each step)", x: steps, y: losses,
                        color: Color(hex: 0xB9CCE0), markers: false))
                series.append(
                    try LineChart.Series(
                        name: "train (smoothed)", x: steps, y: Self.smoothed(losses),
                        color: Color.series[0], markers: false))
            } else if !steps.isEmpty {
                series.append(try LineChart.Series(name: "train", x: steps, y: losses, color: Color.series[0]))
            }
            if !validations.isEmpty {
                series.append(
                    try LineChart.Series(
                        name: "validation", x: validations.map { Double($0.step) },
                        y: validations.map { $0.metrics["loss"] ?? .nan },
                        color: Color.series[1], markers: true))
            }
            var chart = LineChart(title: "Loss", series: series)
            chart.yLabel = "loss"
            return chart
        case "lr":
            guard !steps.isEmpty else { throw nothingYet(what) }
            var chart = LineChart(
                title: "Learning rate",
                series: [
                    try LineChart.Series(name: "", x: steps, y: history.steps.map(\.learningRate))
                ])
            chart.yLabel = "learning rate"
            return chart
        default:
            let points = validations.compactMap { v in v.metrics[what].map { (Double(v.step), $0) } }
            guard !points.isEmpty else {
                let known = ["loss", "lr", "confusion"] + Set(validations.flatMap(\.metrics.keys)).sorted()
                throw TrainingError.setup(
                    "plot: nothing to draw for '\(what)' (charts: \(known.joined(separator: ", ")))")
            }
            var chart = LineChart(
                title: "Validation \(what)",
                series: [
                    try LineChart.Series(name: "", x: points.map(\.0), y: points.map(\.1), markers: true)
                ])
            chart.yLabel = what
            return chart
        }
    }

    /// A centred moving average over about a twentieth of the run (the window shrinks at the
    /// ends): unlike a running average it does not lag behind a falling loss. Non-finite values
    /// are left out of the windows.
    static func smoothed(_ values: [Double]) -> [Double] {
        let half = max(1, values.count / 40)
        var sums = [0.0]
        var counts = [0]
        for value in values {
            sums.append(sums.last! + (value.isFinite ? value : 0))
            counts.append(counts.last! + (value.isFinite ? 1 : 0))
        }
        return values.indices.map { i in
            let (low, high) = (max(0, i - half), min(values.count, i + half + 1))
            let n = counts[high] - counts[low]
            return n > 0 ? (sums[high] - sums[low]) / Double(n) : .nan
        }
    }

    private func nothingYet(_ what: String) -> TrainingError {
        .setup("plot: nothing to draw for '\(what)' yet; train first")
    }
}

extension ConfusionMatrixChart {
    /// The chart of a tallied confusion matrix.
    public init(_ matrix: ConfusionMatrix, classNames: [String] = [], title: String = "Confusion matrix") throws {
        try self.init(counts: matrix.counts, classNames: classNames, title: title)
    }
}
