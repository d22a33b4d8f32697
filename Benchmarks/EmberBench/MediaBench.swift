import Media

/// Decode throughput of `clip` at native size and resized to 224 (scripts/bench-media runs
/// ffmpeg on the same file, with the same decoder threads, beside it). Best of three runs.
func mediaBenchmarks(clip: String, threads: Int) throws {
    func measure(_ label: String, _ body: () throws -> Int) rethrows {
        var best: (wall: Double, cpu: Double, frames: Int)?
        for _ in 0..<3 {
            let cpu0 = processCPUSeconds(), t0 = now()
            let frames = try body()
            let wall = now() - t0
            if best == nil || wall < best!.wall { best = (wall, processCPUSeconds() - cpu0, frames) }
        }
        let b = best!
        print(
            "bench-media: ember \(label): \(b.frames) frames in \(fixed(b.wall, 0, 2)) s (CPU \(fixed(b.cpu, 0, 2)) s) = "
                + "\(fixed(Double(b.frames) / b.wall, 0, 1)) frames/s")
    }
    try measure("native RGB24 (streamed)") {
        var n = 0
        try Video.forEachFrame(clip, options: VideoOptions(threads: threads)) { _, _ in n += 1 }
        return n
    }
    let small = VideoOptions(resize: .shortestEdge(224), centerCrop: true, threads: threads)
    try measure("224x224 RGB24 (streamed)") {
        var n = 0
        try Video.forEachFrame(clip, options: small) { _, _ in n += 1 }
        return n
    }
    var normalized = small
    normalized.normalization = .clip
    try measure("224x224 float32 tensor, CLIP-normalized") { try Video.read(clip, options: normalized).frames.shape[0] }
}
