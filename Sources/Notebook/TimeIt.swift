import Foundation
import Lua

/// `%timeit CODE`: compiles CODE once (as an expression if it is one), picks a loop count that
/// makes one run last at least 0.2 s, then reports the mean and standard deviation per loop
/// over several runs, as IPython does. Ctrl-C stops it.
struct TimeIt {
    let session: Session
    let write: (String) -> Void

    func run(_ code: String) throws {
        let lua = session.lua
        let function: LuaRef
        do {
            function = try lua.compile("return \(code);", chunkName: "=%timeit")
        } catch {
            function = try lua.compile(code, chunkName: "=%timeit")
        }
        LuaInterrupts.clear()
        func measure(_ loops: Int) throws -> Double {
            let start = ContinuousClock.now
            for _ in 0..<loops { try lua.run(function) }
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        var loops = 1
        var first = try measure(loops)
        while first < 0.2, loops < 10_000_000 {
            loops *= 10
            first = try measure(loops)
        }
        let runs = first > 1 ? 3 : 7
        var perLoop = [first / Double(loops)]
        for _ in 1..<runs { perLoop.append(try measure(loops) / Double(loops)) }
        let mean = perLoop.reduce(0, +) / Double(runs)
        let deviation = (perLoop.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(runs)).squareRoot()
        write(
            "\(Duration.describe(seconds: mean)) ± \(Duration.describe(seconds: deviation)) per loop (mean ± std. dev. of \(runs) runs, \(loops) loop\(loops == 1 ? "" : "s") each)\n"
        )
    }
}
