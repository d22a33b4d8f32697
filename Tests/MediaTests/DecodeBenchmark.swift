import Foundation
import Media
import Testing

/// Decode throughput, run by scripts/bench-media (which sets `EMBER_BENCH_MEDIA` to a generated
/// 1080p H.264 clip and `EMBER_BENCH_THREADS`); skipped in the ordinary suite.
@Suite struct DecodeBenchmark {
    static let environment = ProcessInfo.processInfo.environment
    static let clip = environment["EMBER_BENCH_MEDIA"]
    static let threads = Int(environment["EMBER_BENCH_THREADS"] ?? "") ?? 2

    /// Runs `body` three times (the machine is shared, so the best run is the least disturbed)
    /// and prints the best wall-clock rate with the CPU time that run used.
    func measure(_ label: String, _ body: () throws -> Int) rethrows {
        var best: (wall: Double, cpu: Double, frames: Int)?
        for _ in 0..<3 {
            let cpu0 = processCPUSeconds()
            let start = ContinuousClock.now
            let frames = try body()
            let elapsed = ContinuousClock.now - start
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            if best == nil || wall < best!.wall { best = (wall, processCPUSeconds() - cpu0, frames) }
        }
        let b = best!
        print(String(format: "bench-media: ember %@: %d frames in %.2f s (CPU %.2f s) = %.1f frames/s",
                     label, b.frames, b.wall, b.cpu, Double(b.frames) / b.wall))
    }

    func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    @Test(.enabled(if: clip != nil, "set EMBER_BENCH_MEDIA (scripts/bench-media)"))
    func throughput() throws {
        let path = Self.clip!
        try measure("native RGB24 (streamed)") {
            var n = 0
            try Video.forEachFrame(path, options: VideoOptions(threads: Self.threads)) { _, _ in n += 1 }
            return n
        }
        let small = VideoOptions(resize: .shortestEdge(224), centerCrop: true, threads: Self.threads)
        try measure("224x224 RGB24 (streamed)") {
            var n = 0
            try Video.forEachFrame(path, options: small) { _, _ in n += 1 }
            return n
        }
        var normalized = small
        normalized.normalization = .clip
        try measure("224x224 float32 tensor, CLIP-normalized") {
            try Video.read(path, options: normalized).frames.shape[0]
        }
    }
}
