import Lua
import TensorCore

/// Elementwise functions (`exp`, `log`, `sqrt`, `rsqrt`, `abs`, `sign`, `tanh`, `sigmoid`,
/// `relu`, `gelu`) and the softmaxes along an axis.
extension TensorLibrary {
    private static var unaryFunctions: [(name: String, summary: String, op: (Tensor) throws -> Tensor)] {
        [
            ("exp", "exponential e^x", { try $0.exp() }),
            ("log", "natural logarithm", { try $0.log() }),
            ("sqrt", "square root", { try $0.sqrt() }),
            ("rsqrt", "reciprocal square root 1 / sqrt(x)", { try $0.rsqrt() }),
            ("abs", "absolute value |x|", { try $0.abs() }),
            ("sign", "sign: -1, 0 or 1", { $0.sign() }),
            ("tanh", "hyperbolic tangent", { try $0.tanh() }),
            ("sigmoid", "sigmoid 1 / (1 + e^-x)", { try $0.sigmoid() }),
            ("relu", "ReLU max(x, 0)", { try $0.relu() }),
        ]
    }

    static func registerFunctions(_ type: LuaUserType<Tensor>) {
        for function in unaryFunctions {
            type.method(function.name, "t:\(function.name)() -> Tensor", "Elementwise \(function.summary)") { t, call in
                try call.expectAtMost(1)
                return try call.push(tensor: function.op(t))
            }
        }
        type.method(
            "gelu", "t:gelu([{approximate=\"tanh\"}]) -> Tensor",
            "Elementwise GELU, exact (erf) by default or the tanh approximation, as torch.nn.functional.gelu"
        ) { t, call in
            let options = try call.options(at: 2, allowed: ["approximate"])
            try call.expectAtMost(2)
            let approximate = try options.choice("approximate", of: ["none", "tanh"]) == "tanh"
            return try call.push(tensor: t.gelu(approximate: approximate))
        }
        type.method(
            "softmax", "t:softmax(axis) -> Tensor",
            "exp(t) / sum(exp(t)) along axis, computed stably"
        ) { t, call in
            try call.expectAtMost(2)
            return try call.push(tensor: t.softmax(axis: call.axis(at: 2, rank: t.rank)))
        }
        type.method(
            "log_softmax", "t:log_softmax(axis) -> Tensor",
            "log(softmax(t, axis)), computed stably"
        ) { t, call in
            try call.expectAtMost(2)
            return try call.push(tensor: t.logSoftmax(axis: call.axis(at: 2, rank: t.rank)))
        }
    }
}
