#if canImport(Glibc)
import Glibc
#endif

/// `print(t)` in Swift, and `tostring(t)`, `print(t)` and the REPL's display in Lua (which call
/// this): a header line with the dtype, the shape and the autograd state, then the values as
/// PyTorch prints them.
///
///     Tensor float32 [2, 3]
///     [[ 0.1000, -1.5000,  2.0000],
///      [ 3.0000,  4.0000,  5.0000]]
extension Tensor: CustomStringConvertible {
    public var description: String { TensorFormatter.describe(self) }
}

/// PyTorch's tensor printing (`torch/_tensor_str.py`, default print options): 4 decimals; one
/// number style for the whole tensor — integers as `1.` when every value is integral, and
/// scientific notation when the magnitudes span more than 1000× (or pass 1e8, or fall below
/// 1e-4); columns padded to one width; lines wrapped at 80 characters. Tensors of more than
/// 1000 elements show the first and last 3 entries along each axis around `...`, and only
/// those entries are read, so printing a huge tensor costs no more than printing a small one.
enum TensorFormatter {
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 80
    static let precision = 4

    /// The header and the values:
    ///
    ///     Tensor float32 [2, 3]
    ///     [[ 0.1000, -1.5000,  2.0000],
    ///      [ 3.0000,  4.0000,  5.0000]]
    static func describe(_ t: Tensor) -> String {
        header(t) + "\n" + ((try? body(t.detached())) ?? "<values cannot be read>")
    }

    /// `Tensor float32 [2, 3]`, then `grad_fn=<op>` or `requires_grad` when autograd tracks it.
    static func header(_ t: Tensor) -> String {
        var text = "Tensor \(t.dtype) \(TensorCore.describe(t.shape))"
        if let op = t.gradFunctionName {
            text += " grad_fn=\(op)"
        } else if t.requiresGrad {
            text += " requires_grad"
        }
        return text
    }

    /// The values alone.
    static func body(_ t: Tensor) throws -> String {
        if t.count == 0 { return "[]" }
        let summarize = t.count > threshold
        var values = Values(dtype: t.dtype)
        let layout = try gather(t, summarize: summarize, into: &values)
        let style = Style(values)
        var strings = values.formatted(with: style).makeIterator()
        return render(layout, indent: 0, width: style.width, strings: &strings)
    }

    // MARK: - Reading the shown elements

    /// Which elements are shown: a vector of `count` values, or nested blocks; `gap` is where
    /// `...` stands (after that many entries), when entries are elided.
    private indirect enum Layout {
        case scalar
        case vector(count: Int, gap: Int?)
        case nested([Layout], gap: Int?)
    }

    /// The shown elements in display order, as exact values of their dtype.
    private struct Values {
        let dtype: DType
        var floats: [Double] = []
        var integers: [Int64] = []

        init(dtype: DType) { self.dtype = dtype }

        mutating func append(_ t: Tensor) {
            if dtype.isFloatingPoint {
                floats += t.toArray(of: Double.self)
            } else {
                integers += t.toArray(of: Int64.self)
            }
        }

        func formatted(with style: Style) -> [String] {
            switch dtype {
            case .bool: return integers.map { $0 != 0 ? "true" : "false" }.map(style.pad)
            case .int64: return integers.map(String.init).map(style.pad)
            default: return floats.map(style.format)
            }
        }
    }

    /// Reads the entries to show (only those) and returns their layout.
    private static func gather(_ t: Tensor, summarize: Bool, into values: inout Values) throws -> Layout {
        if t.rank == 0 {
            values.append(t)
            return .scalar
        }
        let n = t.shape[0]
        let elide = summarize && n > 2 * edgeItems
        let kept = elide ? Array(0..<edgeItems) + Array(n - edgeItems..<n) : Array(0..<n)
        if t.rank == 1 {
            if elide {
                // Two narrow views, never the whole row.
                values.append(try t.narrow(axis: 0, start: 0, length: edgeItems))
                values.append(try t.narrow(axis: 0, start: n - edgeItems, length: edgeItems))
            } else {
                values.append(t)
            }
            return .vector(count: kept.count, gap: elide ? edgeItems : nil)
        }
        let blocks = try kept.map { try gather(t.select(axis: 0, index: $0), summarize: summarize, into: &values) }
        return .nested(blocks, gap: elide ? edgeItems : nil)
    }

    // MARK: - Rendering

    private static func render(
        _ layout: Layout, indent: Int, width: Int, strings: inout IndexingIterator<[String]>
    ) -> String {
        switch layout {
        case .scalar:
            return strings.next() ?? ""
        case .vector(let count, let gap):
            var items = (0..<count).map { _ in strings.next() ?? "" }
            if let gap { items.insert(" ...", at: gap) }
            let perLine = Swift.max(1, (lineWidth - indent) / (width + 2))
            let lines = stride(from: 0, to: items.count, by: perLine).map {
                items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        case .nested(let blocks, let gap):
            var slices = blocks.map { render($0, indent: indent + 1, width: width, strings: &strings) }
            if let gap { slices.insert("...", at: gap) }
            let depth = blockDepth(blocks.first ?? .scalar)
            let separator = "," + String(repeating: "\n", count: depth) + String(repeating: " ", count: indent + 1)
            return "[" + slices.joined(separator: separator) + "]"
        }
    }

    /// The rank of a block, which sets how many newlines separate blocks of it.
    private static func blockDepth(_ layout: Layout) -> Int {
        switch layout {
        case .scalar: return 0
        case .vector: return 1
        case .nested(let blocks, _): return 1 + blockDepth(blocks.first ?? .scalar)
        }
    }

    // MARK: - Number style

    /// PyTorch's `_Formatter`: one style and one column width for every shown value.
    private struct Style {
        var integral = true
        var scientific = false
        var width = 1

        init(_ values: Values) {
            guard values.dtype.isFloatingPoint else {
                let texts = values.formatted(with: Style())
                width = texts.map(\.count).max() ?? 1
                return
            }
            let finite = values.floats.filter { $0.isFinite && $0 != 0 }
            guard !finite.isEmpty else { return }
            let magnitudes = finite.map(Swift.abs)
            let smallest = magnitudes.min()!, largest = magnitudes.max()!
            integral = finite.allSatisfy { $0 == $0.rounded(.up) }
            scientific = largest / smallest > 1000 || largest > 1e8 || (!integral && smallest < 1e-4)
            let texts: [String]
            if scientific {
                texts = finite.map { cFormat("%.\(precision)e", $0) }
            } else if integral {
                texts = finite.map { cFormat("%.0f", $0) + "." }
            } else {
                texts = finite.map { cFormat("%.\(precision)f", $0) }
            }
            width = texts.map(\.count).max() ?? 1
        }

        private init() {}

        func format(_ value: Double) -> String {
            if value.isNaN { return pad("nan") }
            if value.isInfinite { return pad(value < 0 ? "-inf" : "inf") }
            if scientific { return pad(cFormat("%.\(precision)e", value)) }
            if integral { return pad(cFormat("%.0f", value) + ".") }
            return pad(cFormat("%.\(precision)f", value))
        }

        func pad(_ text: String) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
    }

    /// `printf`-style formatting of one number (the formats Python's `format` shares with C).
    private static func cFormat(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
