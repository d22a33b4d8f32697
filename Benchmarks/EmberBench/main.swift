// Ember's benchmarks for docs/PERFORMANCE.md, run through scripts/bench (release build):
//   EmberBench kernels [threads]      TensorCore kernels against direct BLAS calls and a copy
//   EmberBench models [repetitions]   ViT-Tiny and MiniLM forward / forward+backward
//   EmberBench media CLIP [threads]   video decode throughput
//   EmberBench loader MANIFEST        loader throughput, workers and cache
//   EmberBench training ROOT [PASSES] [fusion|clip|uniter ...]   training throughput of the examples' pipelines
// The references measured outside Swift (PyTorch, ffmpeg) are run by the scripts beside them.
import Dispatch
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Best time of `body` over repeats taking about `budget` seconds (at least 3 runs).
func measure(budget: Double = 0.6, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up
    var best = Double.infinity, total = 0.0, runs = 0
    while runs < 3 || total < budget {
        let t0 = now()
        try body()
        let dt = now() - t0
        best = min(best, dt)
        total += dt
        runs += 1
    }
    return best
}

func fixed(_ x: Double, _ width: Int, _ decimals: Int = 1) -> String {
    let scale = Double([1, 10, 100, 1000][decimals])
    let r = (x * scale).rounded() / scale
    var s = decimals == 0 ? String(Int(r)) : String(r)
    if decimals > 0, let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < decimals { s += String(repeating: "0", count: decimals - have) }
    }
    return String(repeating: " ", count: max(0, width - s.count)) + s
}

func row(_ name: String, _ value: Double, _ unit: String, _ reference: Double? = nil, _ refName: String = "") {
    var line = name + String(repeating: " ", count: max(1, 44 - name.count)) + fixed(value, 8) + " " + unit
    if let reference { line += "   \(refName) " + fixed(reference, 8) + "   ratio " + fixed(value / reference, 5, 2) }
    print(line)
}

/// CPU seconds this process has used (user + system).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "kernels": try kernelBenchmarks(threads: arguments.dropFirst().first.flatMap(Int.init) ?? Parallel.threadCount)
    case "models": try modelBenchmarks(repetitions: arguments.dropFirst().first.flatMap(Int.init) ?? 5)
    case "media" where arguments.count >= 2:
        try mediaBenchmarks(clip: arguments[1], threads: arguments.dropFirst(2).first.flatMap(Int.init) ?? 2)
    case "loader" where arguments.count >= 2: try loaderBenchmarks(manifest: arguments[1])
    case "training" where arguments.count >= 2:
        let passes = arguments.dropFirst(2).first.flatMap(Int.init)
        let names = Array(arguments.dropFirst(passes == nil ? 2 : 3))
        try trainingBenchmarks(
            root: arguments[1], names: names.isEmpty ? ["fusion", "clip", "uniter"] : names, passes: passes ?? 3)
    default:
        print(
            "usage: EmberBench kernels [threads] | models [repetitions] | media CLIP [threads] | loader MANIFEST | "
                + "training ROOT [PASSES] [fusion|clip|uniter ...]")
        exit(2)
    }
} catch {
    print("EmberBench: \(error)")
    exit(1)
}
