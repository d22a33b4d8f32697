import Lua
import TensorCore

/// The `tensor` library and the `Tensor` userdata type (DESIGN.md §2).
///
/// Positions and axes passed as Lua numbers are 1-based (negative axes count from the end);
/// values stored in tensors — ids, labels, the indices of `argmax`, `gather` and
/// `index_select` — are 0-based, as in PyTorch. The registrations are split by topic over the
/// `TensorLibrary+*.swift` files; this one opens them in order.
enum TensorLibrary {
    static func install(into lua: LuaState) {
        let library = lua.library(
            "tensor",
            summary: "n-dimensional arrays with autograd: tensor{...}, tensor.zeros(2, 3), t:matmul(u)")
        let type = lua.userType(
            Tensor.self, name: "Tensor",
            summary: "An n-dimensional array (float32, float64, int64, bool, float16, bfloat16) with autograd; "
                + "t[i] selects along axis 1 (1-based)")
        registerCreation(library)
        registerQueries(type)
        registerViews(type)
        registerJoining(library, type)
        registerIndexing(library, type)
        registerArithmetic(type)
        registerFunctions(type)
        registerReductions(type)
        registerAutograd(library, type, lua)
        registerValues(type)
        registerFiles(library)
        registerMemory(library)
        type.tostring { $0.description }  // TensorCore's printer (Tensor+Description.swift), as Swift prints
    }
}

// MARK: - Helpers for every library that passes tensors

extension LuaCall {
    /// The tensor at `position`, or an argument error `(Tensor expected, got <type>)`.
    ///
    /// For methods, position 1 is `self`. Every library that takes tensors uses this, so the
    /// message is the same everywhere.
    public func tensor(at position: Int) throws -> Tensor {
        try object(at: position, as: Tensor.self)
    }

    /// The tensor at `position`, or nil when the argument is absent or nil.
    public func optionalTensor(at position: Int) throws -> Tensor? {
        isNoneOrNil(position) ? nil : try tensor(at: position)
    }

    /// Pushes `tensor` as a `Tensor` userdata and returns 1.
    ///
    /// Use this — not `push(object:)` — for every tensor handed to Lua: it also tells Lua's
    /// collector how much tensor memory was allocated since the last push, so loops that drop
    /// big tensors free them promptly (see ``TensorMemory``).
    @discardableResult
    public func push(tensor: Tensor) throws -> Int {
        TensorMemory.pace(lua)
        return try push(object: tensor)
    }

    /// Pushes a Lua list `{t1, t2, …}` of tensors and returns 1.
    @discardableResult
    public func push(tensors: [Tensor]) throws -> Int {
        TensorMemory.pace(lua)
        return try pushTable { table in
            for tensor in tensors { try table.append(object: tensor) }
        }
    }

    /// Runs a TensorCore operation, turning its shape and argument errors into an argument error
    /// at `position` (the argument that did not fit), so the message names the Lua function and
    /// the position: `bad argument #1 to 'Tensor:matmul' (matmul: shapes [2, 3] and [4, 5] …)`.
    /// File errors and interrupts pass through unchanged.
    func blaming<R>(_ position: Int, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as TensorError {
            switch error {
            case .shape(let message), .invalidArgument(let message):
                throw LuaArgumentError(position: position, message: message)
            case .io, .interrupted:
                throw error
            }
        }
    }
}
