/// The progress bar's contents — epoch, batch of the pass, smoothed loss, speed and time left —
/// and its rendering into one terminal line.
///
/// ```
/// epoch 2/5 ██████████▍          37/120  loss 0.4213  3.21 it/s  ETA 0:26
/// ```
/// The loss is an exponential moving average (bias-corrected, so the first values are not
/// pulled towards 0); the speed averages the time per batch the same way, so a slow first batch
/// (allocation, file cache) fades out quickly.
public struct ProgressBar: Sendable {
    /// The epoch being trained (1-based) and the epoch the fit runs to, when known.
    public var epoch = 1
    public var epochs: Int?
    /// Batches done in this epoch, of ``batchesPerEpoch`` when known.
    public var batch = 0
    public var batchesPerEpoch: Int?
    /// Batches still to come after this epoch (epochs left × batches per epoch), for the ETA.
    public var batchesAfterEpoch = 0
    /// Weight of the newest value in the moving averages.
    public var smoothing = 0.1
    private var lossAverage = 0.0, lossWeight = 0.0
    private var secondsAverage = 0.0, secondsWeight = 0.0

    public init() {}

    /// The smoothed loss, nil before the first batch.
    public var loss: Double? { lossWeight > 0 ? lossAverage / lossWeight : nil }

    /// Batches per second, nil before the first timed batch.
    public var rate: Double? {
        guard secondsWeight > 0 else { return nil }
        let seconds = secondsAverage / secondsWeight
        return seconds > 0 ? 1 / seconds : nil
    }

    /// Seconds to the end of the fit, when the batch counts are known.
    public var remainingSeconds: Double? {
        guard let rate, let total = batchesPerEpoch else { return nil }
        return Double(max(0, total - batch) + batchesAfterEpoch) / rate
    }

    /// Averages in one batch's loss (non-finite losses are left out) and the seconds it took;
    /// ``batch`` is set by the caller.
    public mutating func record(loss: Double, seconds: Double) {
        if loss.isFinite {
            lossAverage = (1 - smoothing) * lossAverage + smoothing * loss
            lossWeight = (1 - smoothing) * lossWeight + smoothing
        }
        let speedSmoothing = 0.3
        secondsAverage = (1 - speedSmoothing) * secondsAverage + speedSmoothing * seconds
        secondsWeight = (1 - speedSmoothing) * secondsWeight + speedSmoothing
    }

    /// The line, at most `width` columns wide; the bar takes what the text leaves.
    public func render(width: Int) -> String {
        let head = "epoch \(epoch)" + (epochs.map { "/\($0)" } ?? "")
        var counter = "\(batch)"
        if let total = batchesPerEpoch { counter += "/\(total)" }
        var tail = ""
        if let loss { tail += "  loss \(NumberText.fixed(loss, 4))" }
        if let rate {
            tail += "  " + (rate >= 1 ? "\(NumberText.fixed(rate, 2)) it/s" : "\(NumberText.fixed(1 / rate, 2)) s/it")
        }
        if let remaining = remainingSeconds { tail += "  ETA \(NumberText.clock(remaining))" }
        let fixedWidth = head.count + 1 + counter.count + tail.count
        let barWidth = min(30, width - 1 - fixedWidth - 1)
        guard let total = batchesPerEpoch, total > 0, barWidth >= 8 else {
            return String((head + " " + counter + tail).prefix(max(0, width - 1)))
        }
        return head + " " + Self.bar(fraction: Double(batch) / Double(total), width: barWidth) + " " + counter + tail
    }

    /// Full blocks then one partial block (eighths), padded with spaces.
    static func bar(fraction: Double, width: Int) -> String {
        let eighths = Int((min(max(fraction, 0), 1) * Double(width * 8)).rounded(.down))
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: eighths / 8)
        if eighths / 8 < width { text += partials[eighths % 8] }
        return text + String(repeating: " ", count: width - text.count)
    }
}
