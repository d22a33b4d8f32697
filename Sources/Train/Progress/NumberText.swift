#if canImport(Glibc)
import Glibc
#endif

/// Number formatting for log lines and the progress bar, without Foundation's `String(format:)`.
public enum NumberText {
    /// `value` with exactly `decimals` digits after the point (`0.6931`); `nan`, `inf`, `-inf`
    /// for non-finite values.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e17 else { return String(value) }
        let digits = String(UInt64(scaled))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let whole = padded.dropLast(decimals)
        let fraction = padded.suffix(decimals)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return sign + whole + (decimals > 0 ? "." + fraction : "")
    }

    /// `value` in scientific notation with `digits` significant digits (`1.00e-03`), the way
    /// learning rates are usually written.
    public static func scientific(_ value: Double, digits: Int = 3) -> String {
        guard value.isFinite, value != 0 else { return value == 0 ? "0" : fixed(value, 0) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        // Rounding can carry into the next decade (9.996e-4 → 10.00e-4).
        if abs(Double(fixed(mantissa, digits - 1))!) >= 10 {
            exponent += 1
            mantissa = value / pow(10, Double(exponent))
        }
        let sign = exponent < 0 ? "-" : "+"
        let e = String(abs(exponent))
        return fixed(mantissa, digits - 1) + "e" + sign + (e.count < 2 ? "0" + e : e)
    }

    /// A duration in seconds as `m:ss` or `h:mm:ss`.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }
}
