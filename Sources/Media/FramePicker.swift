/// Decides, frame by frame in presentation order, which decoded frames a ``FrameSelection``
/// keeps — without knowing the frames ahead, so decoding can stop as soon as it is done.
///
/// For target times (``FrameSelection/count(_:)``, ``FrameSelection/rate(_:)``) the nearest frame
/// to a target is either the last frame before it or the first at or after it; the picker holds
/// the previous frame's time and settles every target the new frame passes.
struct FramePicker {
    /// How often to emit the held (previous) frame and the current frame.
    struct Decision: Equatable {
        var previous = 0
        var current = 0
        /// The current frame lies in the range: hold it as the new "previous" frame.
        var hold = false
    }

    private let start: Double
    private let stop: Double
    private let targets: [Double]?
    private var next = 0
    private var previousTime: Double?
    /// True once no later frame can be kept.
    private(set) var isDone = false

    /// - Parameters:
    ///   - start, stop: the range `[start, stop)` in seconds.
    ///   - selection: every frame, or target times derived from the range.
    init(selection: FrameSelection, start: Double, stop: Double) {
        self.start = start
        self.stop = stop
        switch selection {
        case .all:
            targets = nil
        case .count(let n):
            let step = (stop - start) / Double(n)
            targets = (0..<n).map { start + (Double($0) + 0.5) * step }
        case .rate(let fps):
            let n = Int(((stop - start) * fps).rounded(.up))
            targets = (0..<n).map { start + Double($0) / fps }.filter { $0 < stop }
        }
        isDone = targets?.isEmpty ?? false
    }

    /// Frames the picker will emit for the targets still open when the stream ends: they all go
    /// to the last frame seen.
    var remainingAtEnd: Int { previousTime == nil ? 0 : (targets?.count ?? 0) - next }

    /// Takes the next frame's time and says which frames to emit now.
    mutating func offer(time: Double) -> Decision {
        var decision = Decision()
        guard !isDone else { return decision }
        if time >= stop {
            // Past the range: the open targets belong to the last frame inside it.
            decision.previous = remainingAtEnd
            isDone = true
            return decision
        }
        guard time >= start else { return decision }
        decision.hold = true
        guard let targets else {
            decision.current = 1
            return decision
        }
        while next < targets.count && targets[next] <= time {
            let target = targets[next]
            if let previousTime, target - previousTime <= time - target {
                decision.previous += 1
            } else {
                decision.current += 1
            }
            next += 1
        }
        previousTime = time
        isDone = next == targets.count
        return decision
    }
}
