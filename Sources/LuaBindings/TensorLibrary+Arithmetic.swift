import Lua
import TensorCore

/// Operators (`+ - * / ^`, unary `-`), their method forms, `matmul`, `pow`, `clamp` and the
/// comparisons `eq ne lt le gt ge`. Everything broadcasts, and a number may stand on either side
/// of an operator (`2 * t`).
extension TensorLibrary {
    private typealias Binary = (Tensor, Tensor) throws -> Tensor

    private static var binaryOperations: [(event: LuaMetamethod, symbol: String, method: String, op: Binary)] {
        [
            (.add, "+", "add", { try $0 + $1 }),
            (.sub, "-", "sub", { try $0 - $1 }),
            (.mul, "*", "mul", { try $0 * $1 }),
            (.div, "/", "div", { try $0 / $1 }),
            (.pow, "^", "pow", { try $0.pow($1) }),
        ]
    }

    private static var comparisons: [(name: String, meaning: String, op: Binary)] {
        [
            ("eq", "==", { try $0.eq($1) }), ("ne", "~=", { try $0.ne($1) }),
            ("lt", "<", { try $0.lt($1) }), ("le", "<=", { try $0.le($1) }),
            ("gt", ">", { try $0.gt($1) }), ("ge", ">=", { try $0.ge($1) }),
        ]
    }

    static func registerArithmetic(_ type: LuaUserType<Tensor>) {
        for operation in binaryOperations {
            type.metamethod(
                operation.event, "a \(operation.symbol) b: elementwise with broadcasting; a or b may be a number"
            ) { call in
                // Lua passes the operands in source order; either one may be the number.
                let a = try call.tensorOrNumber(at: 1, with: try? call.tensor(at: 2))
                let b = try call.tensorOrNumber(at: 2, with: a)
                return try call.push(tensor: call.blaming(2) { try operation.op(a, b) })
            }
            type.method(
                operation.method, "t:\(operation.method)(other) -> Tensor",
                "t \(operation.symbol) other, elementwise with broadcasting (other: tensor or number)"
            ) { t, call in
                try call.expectAtMost(2)
                let other = try call.tensorOrNumber(at: 2, with: t)
                return try call.push(tensor: call.blaming(2) { try operation.op(t, other) })
            }
        }
        type.metamethod(.unm, "-t: elementwise negation") { call in
            try call.push(tensor: call.tensor(at: 1).negated())
        }
        type.method("neg", "t:neg() -> Tensor", "-t, elementwise") { t, call in
            try call.expectAtMost(1)
            return try call.push(tensor: t.negated())
        }
        for comparison in comparisons {
            type.method(
                comparison.name, "t:\(comparison.name)(other) -> Tensor",
                "A bool tensor: t \(comparison.meaning) other, elementwise with broadcasting (other: tensor or number)"
            ) { t, call in
                try call.expectAtMost(2)
                let other = try call.tensorOrNumber(at: 2, with: t)
                return try call.push(tensor: call.blaming(2) { try comparison.op(t, other) })
            }
        }
        type.method(
            "matmul", "t:matmul(other) -> Tensor",
            "Matrix product with torch.matmul's rules: 1-D operands are vectors, leading batch axes broadcast"
        ) { t, call in
            try call.expectAtMost(2)
            let other = try call.tensor(at: 2)
            return try call.push(tensor: call.blaming(2) { try t.matmul(other) })
        }
        type.method(
            "clamp", "t:clamp(min[, max]) -> Tensor",
            "Elements limited to [min, max]; either bound may be nil (t:clamp(nil, 1))"
        ) { t, call in
            try call.expectAtMost(3)
            let low = call.isNoneOrNil(2) ? nil : try call.number(at: 2)
            let high = call.isNoneOrNil(3) ? nil : try call.number(at: 3)
            guard low != nil || high != nil else {
                throw LuaArgumentError(position: 2, message: "number expected: give min, max or both")
            }
            if let low, let high, low > high {
                throw LuaArgumentError(position: 3, message: "max (\(high)) is below min (\(low))")
            }
            return try call.push(tensor: t.clamped(min: low, max: high))
        }
    }
}
