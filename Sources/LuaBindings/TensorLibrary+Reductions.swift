import Lua
import TensorCore

/// Reductions: `sum`, `mean`, `max`, `min`, `argmax`, `argmin`, `std`, `var`, `norm`,
/// `logsumexp`. Each takes an optional axis (1-based) or list of axes, and an options table
/// with `keepdim=true` to keep reduced axes as size 1. `max(axis)`/`min(axis)` return values and
/// 0-based indices, as `torch.max(x, dim)` does.
extension TensorLibrary {
    static func registerReductions(_ type: LuaUserType<Tensor>) {
        type.method(
            "sum", "t:sum([axis | axes][, {keepdim=}]) -> Tensor",
            "The sum over axis (or a list of axes, or all)"
        ) { t, call in
            let (axes, keep, _) = try reduction(call, t)
            return try call.push(tensor: t.sum(axes: axes, keepingAxes: keep))
        }
        type.method(
            "mean", "t:mean([axis | axes][, {keepdim=}]) -> Tensor",
            "The mean over axis (or a list of axes, or all)"
        ) { t, call in
            let (axes, keep, _) = try reduction(call, t)
            return try call.push(tensor: t.mean(axes: axes, keepingAxes: keep))
        }
        for (name, largest) in [("max", true), ("min", false)] {
            type.method(
                name, "t:\(name)([axis | other][, {keepdim=}]) -> Tensor[, Tensor]",
                "The \(largest ? "largest" : "smallest") value; with an axis, the values and their 0-based indices "
                    + "along it; with a tensor, the elementwise \(largest ? "maximum" : "minimum")"
            ) { t, call in
                if let other = try? call.tensor(at: 2) {
                    try call.expectAtMost(2)
                    return try call.push(
                        tensor: call.blaming(2) { largest ? try t.maximum(other) : try t.minimum(other) })
                }
                let (axes, keep, _) = try reduction(call, t)
                if call.type(at: 2) == .number, let axis = axes?.first {
                    try requireAxes(t, call)
                    try requireNonEmpty(t, axes: [axis], call)
                    let result =
                        largest ? try t.max(axis: axis, keepingAxes: keep) : try t.min(axis: axis, keepingAxes: keep)
                    try call.push(tensor: result.values)
                    return try call.push(tensor: result.indices) + 1
                }
                try requireNonEmpty(t, axes: axes, call)
                return try call.push(
                    tensor: largest ? t.amax(axes: axes, keepingAxes: keep) : t.amin(axes: axes, keepingAxes: keep))
            }
        }
        for (name, largest) in [("argmax", true), ("argmin", false)] {
            type.method(
                name, "t:\(name)([axis][, {keepdim=}]) -> Tensor",
                "The 0-based int64 index of the \(largest ? "largest" : "smallest") value along axis, or in the flattened tensor"
            ) { t, call in
                let (axes, keep, _) = try reduction(call, t)
                if let axes, axes.count != 1 {
                    throw LuaArgumentError(position: 2, message: "one axis expected, got \(axes.count)")
                }
                try requireNonEmpty(t, axes: axes, call)
                let axis = axes?.first
                return try call.push(
                    tensor: largest ? t.argmax(axis: axis, keepingAxes: keep) : t.argmin(axis: axis, keepingAxes: keep))
            }
        }
        type.method(
            "var", "t:var([axis | axes][, {keepdim=, correction=1}]) -> Tensor",
            "The variance, with Bessel's correction by default (correction=0 for the population variance)"
        ) { t, call in
            let (axes, keep, options) = try reduction(call, t, extra: ["correction"])
            let correction = try options.integer("correction") ?? 1
            return try call.push(tensor: t.variance(axes: axes, correction: correction, keepingAxes: keep))
        }
        type.method(
            "std", "t:std([axis | axes][, {keepdim=, correction=1}]) -> Tensor",
            "The standard deviation, with Bessel's correction by default"
        ) { t, call in
            let (axes, keep, options) = try reduction(call, t, extra: ["correction"])
            let correction = try options.integer("correction") ?? 1
            return try call.push(tensor: t.standardDeviation(axes: axes, correction: correction, keepingAxes: keep))
        }
        type.method(
            "norm", "t:norm([axis | axes][, {p=2, keepdim=}]) -> Tensor",
            "The p-norm (sum |x|^p)^(1/p) over axis, or all"
        ) { t, call in
            let (axes, keep, options) = try reduction(call, t, extra: ["p"])
            let p = try options.number("p") ?? 2
            guard p > 0 else {
                throw LuaArgumentError(position: options.position, message: "option 'p' must be positive, got \(p)")
            }
            return try call.push(tensor: t.norm(p: p, axes: axes, keepingAxes: keep))
        }
        type.method(
            "logsumexp", "t:logsumexp(axis | axes[, {keepdim=}]) -> Tensor",
            "log(sum(exp(t))) over axis, computed stably"
        ) { t, call in
            let (axes, keep, _) = try reduction(call, t)
            guard let axes else { throw call.typeError(2, expected: "axis or table of axes") }
            return try call.push(tensor: t.logSumExp(axes: axes, keepingAxes: keep))
        }
    }

    /// The axes (0-based; nil for all) and options of a reduction: `t:sum()`, `t:sum(2)`,
    /// `t:sum({1, 2})`, `t:sum(2, {keepdim=true})`, `t:sum{keepdim=true}`.
    private static func reduction(
        _ call: LuaCall, _ t: Tensor, extra: [String] = []
    ) throws -> (axes: [Int]?, keep: Bool, options: LuaOptions) {
        let allowed = ["keepdim"] + extra
        let optionsFirst = try call.type(at: 2) == .table && call.table(at: 2).array.isEmpty
        if optionsFirst || call.isNoneOrNil(2) {
            let options = try call.options(at: 2, allowed: allowed)
            try call.expectAtMost(2)
            return (nil, try options.boolean("keepdim") ?? false, options)
        }
        let axes = try call.axes(at: 2, rank: t.rank)
        let options = try call.options(at: 3, allowed: allowed)
        try call.expectAtMost(3)
        return (axes, try options.boolean("keepdim") ?? false, options)
    }

    /// Fails when a max/min/arg-reduction would reduce an empty axis (it has no answer).
    private static func requireNonEmpty(_ t: Tensor, axes: [Int]?, _ call: LuaCall) throws {
        let sizes = t.rank == 0 ? [] : (axes ?? Array(0..<t.rank)).map { t.shape[$0] }
        if sizes.contains(0) || (axes == nil && t.count == 0) {
            throw LuaArgumentError(
                position: 1, message: "cannot reduce an empty axis of a tensor of shape \(shapeText(t.shape))")
        }
    }
}
