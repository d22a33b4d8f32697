import Lua
import TensorCore

/// Autograd: `t:requires_grad([flag])`, `t.grad`, `t:backward([gradient])`, `t:detach()`,
/// `t:is_leaf()`, `t:grad_fn()` and `tensor.no_grad(fn, ...)`.
extension TensorLibrary {
    static func registerAutograd(_ library: LuaLibrary, _ type: LuaUserType<Tensor>, _ lua: LuaState) {
        type.method(
            "requires_grad", "t:requires_grad([flag]) -> Tensor",
            "Marks a float leaf tensor as needing gradients (flag defaults to true, as PyTorch's requires_grad_()); returns t"
        ) { t, call in
            try call.expectAtMost(2)
            let flag = try call.boolean(at: 2, default: true)
            _ = try call.blaming(1) { try t.setRequiresGrad(flag) }
            return call.pushArgument(1)
        }
        type.property(
            "grad", "t.grad -> Tensor | nil",
            "The gradient accumulated by backward() (nil before); t.grad = nil clears it"
        ) { t, call in
            guard let grad = t.grad else { return call.pushNil() }
            return try call.push(tensor: grad)
        }
        type.setter("grad") { t, call in
            if call.isNoneOrNil(3) {
                t.grad = nil
                return
            }
            guard call.isObject(at: 3, of: Tensor.self) else {
                throw LuaMessageError("t.grad = g: Tensor or nil expected, got \(call.typeName(at: 3))")
            }
            let grad = try call.tensor(at: 3)
            guard grad.shape == t.shape else {
                throw LuaMessageError("t.grad = g: g has shape \(shapeText(grad.shape)), t has \(shapeText(t.shape))")
            }
            t.grad = grad
        }
        type.method(
            "backward", "t:backward([gradient])",
            "Back-propagates from t (a one-element loss, or with gradient shaped like t), accumulating into the .grad of leaves"
        ) { t, call in
            try call.expectAtMost(2)
            let gradient = try call.optionalTensor(at: 2)
            try call.blaming(gradient == nil ? 1 : 2) { try t.backward(gradient) }
            TensorMemory.pace(call.lua)
            return 0
        }
        type.method(
            "detach", "t:detach() -> Tensor",
            "A tensor sharing t's memory, cut off from the autograd graph"
        ) { t, call in
            try call.expectAtMost(1)
            return try call.push(tensor: t.detached())
        }
        type.method(
            "is_leaf", "t:is_leaf() -> boolean",
            "Whether t was made by the user rather than recorded from an operation"
        ) { t, call in
            try call.expectAtMost(1)
            return call.push(t.isLeaf)
        }
        type.method(
            "grad_fn", "t:grad_fn() -> string | nil",
            "The name of the operation that produced t, when autograd recorded it"
        ) { t, call in
            try call.expectAtMost(1)
            return call.push(t.gradFunctionName)
        }
        installNoGrad(library, lua)
    }

    /// `tensor.no_grad(fn, ...)`: calls fn(...) without recording the graph and returns what it
    /// returns. A small Lua wrapper carries fn's results out unchanged (tables keep their
    /// identity and metatables, objects their type); Swift only switches recording off around
    /// the call, and an error in fn passes through with recording back on.
    private static func installNoGrad(_ library: LuaLibrary, _ lua: LuaState) {
        let factory = """
            local type, error, select, pack, unpack = type, error, select, table.pack, table.unpack
            return function(run)
                return function(...)
                    local fn = ...
                    if type(fn) ~= "function" then
                        local got = select("#", ...) == 0 and "no value" or type(fn)
                        error("bad argument #1 to 'tensor.no_grad' (function expected, got " .. got .. ")", 2)
                    end
                    local args, results = pack(select(2, ...)), nil
                    run(function() results = pack(fn(unpack(args, 1, args.n))) end)
                    return unpack(results, 1, results.n)
                end
            end
            """
        do {
            guard case .function(let make) = try lua.evaluate(factory, chunkName: "=tensor.no_grad").first,
                let wrapper = try lua.call(
                    make,
                    arguments: { call in
                        call.push(function: "tensor.no_grad") { call in
                            let body = try call.function(at: 1)
                            try noGrad { _ = try call.call(body) }
                            return 0
                        }
                    }
                ).first
            else { fatalError("tensor.no_grad: the wrapper chunk returned no function") }
            library.constant("no_grad", wrapper, "")
        } catch {
            fatalError("tensor.no_grad: the wrapper chunk failed: \(error)")
        }
        lua.docs.add(
            LuaDoc(
                name: "tensor.no_grad", signature: "tensor.no_grad(fn, ...) -> ...",
                summary:
                    "Calls fn(...) without recording the autograd graph (inference, manual updates) and returns its results"
            ))
    }
}
