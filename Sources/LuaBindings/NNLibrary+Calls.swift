import Lua
import Models
import NN
import TensorCore

/// Calling modules: `m(...)` and `m:forward(...)`. A model takes a table of named inputs and
/// returns a table of named outputs; a layer takes a tensor and returns one;
/// `MultiheadAttention` takes query, key and value; `TransformerEncoderLayer` also takes masks.
extension NNLibrary {
    static func registerCalls(_ type: LuaUserType<Module>) {
        type.method(
            "forward", "m:forward(inputs) -> outputs",
            "Runs m: a model takes a table of named inputs (m:forward{pixel_values=x, labels=y}) and returns "
                + "Hugging Face's named outputs; a layer takes a tensor (mha: query, key, value)"
        ) { m, call in
            try call.callingModule(m) { try forward(m, call) }
        }
        type.metamethod(.call, "m(inputs): the same as m:forward(inputs)") { call in
            let m = try call.module(at: 1)
            return try call.callingModule(m) { try forward(m, call) }
        }
    }

    /// Dispatches on the kind of module; the arguments start at position 2 (1 is the module).
    private static func forward(_ m: Module, _ call: LuaCall) throws -> Int {
        switch m {
        case let model as any PretrainedModel:
            return try callModel(model, call)
        case let attention as MultiheadAttention:
            return try callAttention(attention, call)
        case let encoder as TransformerEncoderLayer:
            try call.expectAtMost(3)
            let x = try call.tensor(at: 2)
            let width = encoder.norm1.normalizedShape[0]
            guard x.rank == 3, x.shape[2] == width else {
                let layout = encoder.batchFirst ? "[batch, length, \(width)]" : "[length, batch, \(width)]"
                throw LuaArgumentError(
                    position: 2, message: "expected \(layout) (d_model \(width)), got \(shapeText(x.shape))")
            }
            let masks = try call.options(at: 3, allowed: ["src_mask", "src_key_padding_mask"])
            let (batch, length) = encoder.batchFirst ? (x.shape[0], x.shape[1]) : (x.shape[1], x.shape[0])
            let mask = try AttentionMask(
                masks, attention: "src_mask", padding: "src_key_padding_mask",
                batch: batch, heads: encoder.selfAttn.heads, queries: length, keys: length)
            return try call.push(tensor: call.blaming(2) { try encoder(x, mask: mask.additive) })
        case let layer as any Layer:
            try call.expectAtMost(2)
            let x = try call.tensor(at: 2)
            return try call.push(tensor: call.blaming(2) { try layer(x) })
        default:
            throw LuaMessageError(
                "\(m.typeName) is a part of a model that is not called on its own; call the model or a layer")
        }
    }

    /// `mha(query, key, value[, {key_padding_mask=, attn_mask=}])` → the attention output.
    private static func callAttention(_ attention: MultiheadAttention, _ call: LuaCall) throws -> Int {
        try call.expectAtMost(5)
        let (query, key, value) = (try call.tensor(at: 2), try call.tensor(at: 3), try call.tensor(at: 4))
        let masks = try call.options(at: 5, allowed: ["attn_mask", "key_padding_mask"])
        let d = attention.inProjWeight.shape[1]
        for (position, t) in [(2, query), (3, key), (4, value)] where t.rank != 3 || t.shape[2] != d {
            let layout = attention.batchFirst ? "[batch, length, \(d)]" : "[length, batch, \(d)]"
            throw LuaArgumentError(
                position: position, message: "expected \(layout) (embed_dim \(d)), got \(shapeText(t.shape))")
        }
        let (b, s) = attention.batchFirst ? (0, 1) : (1, 0)
        guard key.shape == value.shape, key.shape[b] == query.shape[b] else {
            throw LuaArgumentError(
                position: 3,
                message: "key \(shapeText(key.shape)) and value \(shapeText(value.shape)) must have one shape, "
                    + "with the query's batch \(query.shape[b])")
        }
        let mask = try AttentionMask(
            masks, attention: "attn_mask", padding: "key_padding_mask",
            batch: query.shape[b], heads: attention.heads, queries: query.shape[s], keys: key.shape[s])
        return try call.push(
            tensor: call.blaming(2) {
                try attention(query: query, key: key, value: value, mask: mask.additive)
            })
    }

    /// `m{...}`: named inputs in, named outputs out (nested as Hugging Face's output objects).
    private static func callModel(_ model: any PretrainedModel, _ call: LuaCall) throws -> Int {
        try call.expectAtMost(2)
        guard call.type(at: 2) == .table else {
            let example = call.isObject(at: 2, of: Tensor.self) ? ": m{input_ids=x} or m{pixel_values=x}" : ""
            throw LuaArgumentError(
                position: 2, message: "table of named inputs expected, got \(call.typeName(at: 2))\(example)")
        }
        let input = try ModelInputs.read(try call.table(at: 2), for: model)
        let outputs: [String: Tensor]
        do {
            outputs = try model.forward(input)
        } catch let error as ModelError {
            throw LuaMessageError(error.description)
        } catch let error as TensorError where error != .interrupted {
            let text = error.description
            throw LuaMessageError(text.hasPrefix(model.typeName) ? text : "\(model.typeName): \(text)")
        }
        return try ModelOutputs.push(outputs, on: call)
    }
}

/// The two masks PyTorch's attention layers take, as one additive mask broadcasting to
/// `[B, H, Lq, Lk]`: `attn_mask` `[Lq, Lk]` or `[B·H, Lq, Lk]`, and `key_padding_mask` `[B, Lk]`;
/// a bool mask is true where attention is not allowed, a float mask is added to the scores.
struct AttentionMask {
    private(set) var additive: Tensor?

    init(_ options: LuaOptions, attention: String, padding: String, batch: Int, heads: Int, queries: Int, keys: Int)
        throws
    {
        func tensor(_ name: String) throws -> Tensor? {
            guard let value = options.value(name) else { return nil }
            guard case .object(let t as Tensor) = value else {
                throw LuaArgumentError(
                    position: options.position, message: "option '\(name)': Tensor expected, got \(value.typeName)")
            }
            return t
        }
        func shapeError(_ name: String, _ t: Tensor, _ expected: String) -> LuaArgumentError {
            LuaArgumentError(
                position: options.position, message: "option '\(name)': expected \(expected), got \(shapeText(t.shape))"
            )
        }
        if let mask = try tensor(attention) {
            let grid = [queries, keys]
            guard mask.shape == grid || mask.shape == [batch * heads] + grid else {
                throw shapeError(attention, mask, "\(shapeText(grid)) or \(shapeText([batch * heads] + grid))")
            }
            let scores = try Self.scores(mask)
            additive = mask.rank == 2 ? scores : try scores.reshaped([batch, heads, queries, keys])
        }
        if let mask = try tensor(padding) {
            guard mask.shape == [batch, keys] else { throw shapeError(padding, mask, shapeText([batch, keys])) }
            let scores = try Self.scores(mask).reshaped([batch, 1, 1, keys])
            additive = try additive.map { try $0 + scores } ?? scores
        }
    }

    /// A bool mask as 0 / the float32 minimum (true drops); a float mask as it is.
    private static func scores(_ mask: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else { return mask.converted(to: .float32) }
        return try Tensor.zeros(mask.shape).maskedFill(mask, -Double(Float.greatestFiniteMagnitude))
    }
}
