import Lua
import TensorCore

#if canImport(Glibc)
import Glibc
#endif

/// Constructors: `tensor{...}`, `zeros`, `ones`, `full`, `rand`, `randn`, `randint`,
/// `arange`, `linspace`, `eye`, and `seed`.
extension TensorLibrary {
    static func registerCreation(_ library: LuaLibrary) {
        library.call(
            "tensor(data[, {dtype=}]) -> Tensor",
            "A tensor from a number, a boolean or nested Lua tables: integers give int64, other numbers float32, booleans bool"
        ) { call in
            do {
                let options = try call.options(at: 3, allowed: ["dtype"])
                try call.expectAtMost(3)
                if call.isNoneOrNil(2) { throw call.typeError(2, expected: "number, boolean or table") }
                let nested = try NestedValues(call.value(at: 2), position: 2)
                let dtype = try call.dtype(in: options) ?? nested.inferredType
                return try call.push(tensor: nested.tensor(dtype))
            } catch var error as LuaArgumentError {
                // The library table itself is argument 1 of `__call`; count as the user wrote it.
                error.position -= 1
                throw error
            }
        }

        library.function(
            "zeros", "tensor.zeros(size...[, {dtype=}]) -> Tensor",
            "A tensor of zeros: tensor.zeros(2, 3) or tensor.zeros{2, 3}"
        ) { call in
            try push(call, filledWith: 0)
        }
        library.function(
            "ones", "tensor.ones(size...[, {dtype=}]) -> Tensor",
            "A tensor of ones: tensor.ones(2, 3) or tensor.ones{2, 3}"
        ) { call in
            try push(call, filledWith: 1)
        }
        library.function(
            "full", "tensor.full(sizes, value[, {dtype=}]) -> Tensor",
            "A tensor filled with value; the dtype follows the value (integer: int64, float: float32, boolean: bool)"
        ) { call in
            let sizes = try call.sizes(from: 1)
            guard sizes.next == 2 else {
                throw call.typeError(1, expected: "sizes (an integer or a table of integers)")
            }
            let options = try call.options(at: 3, allowed: ["dtype"])
            try call.expectAtMost(3)
            let fill = call.value(at: 2)
            let inferred: DType
            switch fill {
            case .integer: inferred = .int64
            case .number: inferred = .float32
            case .boolean: inferred = .bool
            default: throw call.typeError(2, expected: "number or boolean")
            }
            let dtype = try call.dtype(in: options) ?? inferred
            try checkAllocation(sizes.sizes, dtype, call, at: 1)
            let value: Double
            if case .boolean(let flag) = fill { value = flag ? 1 : 0 } else { value = fill.number ?? 0 }
            return try call.push(tensor: Tensor.full(sizes.sizes, value, dtype: dtype))
        }
        library.function(
            "rand", "tensor.rand(size...[, {dtype=}]) -> Tensor",
            "Uniform samples in [0, 1) from the seeded generator"
        ) { call in
            let (sizes, dtype) = try sizesAndFloatType(call)
            return try call.push(tensor: Tensor.rand(sizes, dtype: dtype))
        }
        library.function(
            "randn", "tensor.randn(size...[, {dtype=}]) -> Tensor",
            "Standard normal samples from the seeded generator"
        ) { call in
            let (sizes, dtype) = try sizesAndFloatType(call)
            return try call.push(tensor: Tensor.randn(sizes, dtype: dtype))
        }
        library.function(
            "randint", "tensor.randint(low, high, sizes) -> Tensor",
            "int64 values uniform in [low, high), e.g. random labels: tensor.randint(0, 10, {8})"
        ) { call in
            try call.expectAtMost(3)
            let low = try call.integer(at: 1), high = try call.integer(at: 2)
            guard high > low else {
                throw LuaArgumentError(position: 2, message: "high (\(high)) must be greater than low (\(low))")
            }
            guard call.type(at: 3) == .table || call.type(at: 3) == .number else {
                throw call.typeError(3, expected: "sizes")
            }
            let sizes = try call.sizes(from: 3).sizes
            try checkAllocation(sizes, .int64, call, at: 3)
            return try call.push(tensor: call.blaming(3) { try Tensor.randint(Int64(low), Int64(high), shape: sizes) })
        }
        library.function(
            "arange", "tensor.arange([start, ]stop[, step][, {dtype=}]) -> Tensor",
            "Values start, start+step, … below stop (values, not positions: arange(3) is 0, 1, 2); int64 when all are integers"
        ) { call in
            try arange(call)
        }
        library.function(
            "linspace", "tensor.linspace(start, stop, steps[, {dtype=}]) -> Tensor",
            "steps evenly spaced values from start to stop inclusive"
        ) { call in
            let options = try call.options(at: 4, allowed: ["dtype"])
            try call.expectAtMost(4)
            let start = try call.number(at: 1), stop = try call.number(at: 2), steps = try call.integer(at: 3)
            guard steps >= 0 else { throw LuaArgumentError(position: 3, message: "steps must be >= 0, got \(steps)") }
            let dtype = try call.dtype(in: options, allowed: [.float32, .float64, .int64]) ?? .float32
            try checkAllocation([steps], dtype, call, at: 3)
            return try call.push(
                tensor: call.blaming(3) { try Tensor.linspace(start, stop, count: steps, dtype: dtype) })
        }
        library.function(
            "eye", "tensor.eye(n[, m][, {dtype=}]) -> Tensor",
            "The n×m identity matrix (m defaults to n)"
        ) { call in
            let hasColumns = call.type(at: 2) == .number
            let options = try call.options(at: hasColumns ? 3 : 2, allowed: ["dtype"])
            try call.expectAtMost(hasColumns ? 3 : 2)
            let n = try call.integer(at: 1), m = hasColumns ? try call.integer(at: 2) : n
            guard n >= 0 else { throw LuaArgumentError(position: 1, message: "size must be >= 0, got \(n)") }
            guard m >= 0 else { throw LuaArgumentError(position: 2, message: "size must be >= 0, got \(m)") }
            let dtype = try call.dtype(in: options) ?? .float32
            try checkAllocation([n, m], dtype, call, at: 1)
            return try call.push(tensor: call.blaming(1) { try Tensor.eye(n, m, dtype: dtype) })
        }
        library.function(
            "seed", "tensor.seed(n)",
            "Restarts the random generator (rand, randn, randint, dropout, initialisation) from the integer n"
        ) { call in
            try call.expectAtMost(1)
            RandomGenerator.shared.seed(UInt64(bitPattern: Int64(try call.integer(at: 1))))
            return 0
        }
    }

    // MARK: - Shared pieces

    private static func push(_ call: LuaCall, filledWith value: Double) throws -> Int {
        let (sizes, next) = try call.sizes(from: 1)
        let options = try call.options(at: next, allowed: ["dtype"])
        try call.expectAtMost(next)
        let dtype = try call.dtype(in: options) ?? .float32
        try checkAllocation(sizes, dtype, call, at: 1)
        return try call.push(tensor: Tensor.full(sizes, value, dtype: dtype))
    }

    private static func sizesAndFloatType(_ call: LuaCall) throws -> ([Int], DType) {
        let (sizes, next) = try call.sizes(from: 1)
        let options = try call.options(at: next, allowed: ["dtype"])
        try call.expectAtMost(next)
        let dtype = try call.dtype(in: options, allowed: [.float32, .float64]) ?? .float32
        try checkAllocation(sizes, dtype, call, at: 1)
        return (sizes, dtype)
    }

    private static func arange(_ call: LuaCall) throws -> Int {
        var bounds: [LuaValue] = []
        while bounds.count < 3, call.type(at: bounds.count + 1) == .number {
            bounds.append(call.value(at: bounds.count + 1))
        }
        if bounds.isEmpty { throw call.typeError(1, expected: "number") }
        let options = try call.options(at: bounds.count + 1, allowed: ["dtype"])
        try call.expectAtMost(bounds.count + 1)
        let numbers = bounds.map { $0.number ?? 0 }
        let (start, stop) = numbers.count == 1 ? (0, numbers[0]) : (numbers[0], numbers[1])
        let step = numbers.count == 3 ? numbers[2] : 1
        guard step != 0 else { throw LuaArgumentError(position: 3, message: "step must not be zero") }
        let allIntegers = bounds.allSatisfy { if case .integer = $0 { return true } else { return false } }
        let dtype =
            try call.dtype(in: options, allowed: [.float32, .float64, .int64]) ?? (allIntegers ? .int64 : .float32)
        let count = ((stop - start) / step).rounded(.up)
        if count.isFinite, count > 0 { try checkAllocation([Int(Swift.min(count, 1e15))], dtype, call, at: 1) }
        return try call.push(tensor: call.blaming(1) { try Tensor.arange(start, stop, step: step, dtype: dtype) })
    }

    /// Refuses a tensor larger than the machine's memory before allocating it: TensorCore treats a
    /// failed allocation as fatal, and a typo like `zeros(1e6, 1e6)` must stay a Lua error.
    static func checkAllocation(_ shape: [Int], _ dtype: DType, _ call: LuaCall, at position: Int) throws {
        var bytes = dtype.byteCount
        for size in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: size)
            if overflow { bytes = .max; break }
            bytes = product
        }
        let memory = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        guard bytes <= memory else {
            throw LuaArgumentError(
                position: position,
                message: "a \(dtype) tensor of shape \(shapeText(shape)) needs \(byteText(bytes)), "
                    + "more than this machine's \(byteText(memory)) of memory")
        }
    }

    /// `4.0 GB`, for messages.
    static func byteText(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
    }
}
