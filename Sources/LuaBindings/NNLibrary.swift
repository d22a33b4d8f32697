import Lua
import Models
import NN
import TensorCore

/// The `nn` library (DESIGN.md §2): layers, Hugging Face models, the module methods and losses.
///
/// Every layer and model is a `Module` userdata holding the Swift ``NN/Module`` itself (not a
/// wrapper), so other bindings reach it with ``Lua/LuaCall/module(at:)`` and
/// ``Lua/LuaCall/model(at:)``, or by casting a ``Lua/LuaValue/object(_:)`` to `Module` or
/// `any PretrainedModel`, and run a model on a Lua batch with ``forward(_:batch:)``. The
/// registrations are split by topic over the `NNLibrary+*.swift` files.
public enum NNLibrary {
    static func install(into lua: LuaState) {
        let library = lua.library(
            "nn", summary: "layers, Hugging Face models and losses: nn.Linear(4, 2), nn.ViT{...}, nn.load(dir)")
        let type = lua.userType(
            Module.self, name: "Module",
            summary:
                "A layer or model: m(x) or m{pixel_values=x}; m:parameters(), m:train(), m:freeze(pattern), print(m)")
        let ordered = OrderedTables(lua)
        registerLayers(library)
        registerAttention(library)
        registerModels(library)
        registerLoading(library)
        registerCalls(type)
        registerModuleMethods(type, ordered)
        registerModelMethods(type)
        registerLosses(library)
    }

    /// Runs `model` on a batch as `m(batch)` does: the table's tensors under Hugging Face's input
    /// names, the flags `return_loss` and `output_hidden_states`; other non-tensor entries (a
    /// loader batch's `text`, `id`) are ignored.
    /// - Returns: the outputs by Hugging Face name, flat (`hidden_states.0`,
    ///   `text_model_output.last_hidden_state`).
    /// - Throws: an error naming the model and the input: a wrong-typed or unknown input, or what
    ///   the model's forward pass reports (a missing or mis-shaped input).
    public static func forward(_ model: any PretrainedModel, batch: LuaTable) throws -> [String: Tensor] {
        try model.forward(ModelInputs.read(batch, for: model))
    }
}

// MARK: - Reaching modules from other bindings

extension LuaCall {
    /// The layer or model at `position`, or an argument error `(Module expected, got …)`.
    public func module(at position: Int) throws -> Module {
        try object(at: position, as: Module.self)
    }

    /// The Hugging Face model at `position` (`nn.ViT{...}`, `nn.load(dir)`, …), or an argument
    /// error naming what was there instead (`model expected, got Linear`).
    public func model(at position: Int) throws -> any PretrainedModel {
        guard isObject(at: position, of: Module.self) else { throw typeError(position, expected: "model") }
        let module = try module(at: position)
        guard let model = module as? any PretrainedModel else {
            throw LuaArgumentError(position: position, message: "model expected, got \(module.typeName)")
        }
        return model
    }

    /// Runs the body of a module call (`m(x)`, `m:forward(x)`), naming the module in its argument
    /// errors as the user wrote the call, without `self`: `bad argument #1 to 'Linear' (…)`.
    func callingModule(_ module: Module, _ body: () throws -> Int) throws -> Int {
        do {
            return try body()
        } catch let error as LuaArgumentError {
            throw LuaMessageError("bad argument #\(error.position - 1) to '\(module.typeName)' (\(error.message))")
        }
    }
}
