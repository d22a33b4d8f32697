#if canImport(Glibc)
import Glibc
#endif

/// A linear axis with "nice" ticks: steps of 1, 2 or 5 times a power of ten, and a domain that
/// starts and ends on a tick so the grid frames the data.
struct AxisScale {
    let low: Double
    let high: Double
    let step: Double
    let ticks: [Double]

    /// An axis covering `minimum…maximum` with about `count` intervals. `integral` keeps steps
    /// whole (for step counts). A flat range is widened so the data sits mid-axis.
    init(covering minimum: Double, _ maximum: Double, count: Int, integral: Bool = false) {
        var lo = minimum, hi = maximum
        if !(hi > lo) {
            let pad = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        var step = Self.niceStep((hi - lo) / Double(max(count, 1)))
        if integral { step = max(step.rounded(), 1) }
        let first = (lo / step).rounded(.down) * step, last = (hi / step).rounded(.up) * step
        let n = Int(((last - first) / step).rounded())
        self.step = step
        low = first
        high = last
        ticks = (0...n).map { first + Double($0) * step }
    }

    /// The smallest of 1, 2, 5 or 10 × 10ᵏ that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// Where `v` falls along the axis, 0 at `low` and 1 at `high`.
    func fraction(_ v: Double) -> Double { (v - low) / (high - low) }

    /// A tick label: just enough decimals for the step, thousands as `k` for large whole steps,
    /// and powers of ten for very small or very large values.
    func label(_ v: Double) -> String {
        let largest = max(Swift.abs(low), Swift.abs(high))
        if largest >= 1e6 || step < 1e-4 { return Swift.abs(v) < step * 1e-6 ? "0" : Self.scientific(v) }
        if largest >= 1e4 && step >= 1000 {
            if Swift.abs(v) < step * 1e-6 { return "0" }
            return Self.fixed(v / 1000, decimals: Self.decimals(for: step / 1000)) + "k"
        }
        return Self.fixed(v, decimals: Self.decimals(for: step))
    }

    /// Decimals that tell apart multiples of `step` (a 2.5 step needs one).
    static func decimals(for step: Double) -> Int {
        var d = 0
        while d < 6
            && Swift.abs((step * pow(10, Double(d))).rounded() - step * pow(10, Double(d))) > 1e-6 * step
                * pow(10, Double(d))
        {
            d += 1
        }
        return d
    }

    /// `v` with `decimals` digits after the point.
    static func fixed(_ v: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let units = Int((Swift.abs(v) * scale).rounded())
        var digits = String(units)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (v < 0 && units != 0 ? "-" : "") + digits
    }

    /// `v` as a mantissa of up to three significant digits and a power of ten, like `2.5e-5`.
    static func scientific(_ v: Double) -> String {
        var exponent = Int(log10(Swift.abs(v)).rounded(.down))
        var mantissa = v / pow(10, Double(exponent))
        // 9.996e-5 would print as 10e-5.
        if Swift.abs(mantissa) >= 9.995 {
            mantissa /= 10
            exponent += 1
        }
        var text = fixed(mantissa, decimals: 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "e" + String(exponent)
    }
}
