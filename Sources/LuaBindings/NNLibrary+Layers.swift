import Lua
import NN
import TensorCore

/// The layer constructors, with PyTorch's positional arguments and its keyword names as options:
/// `nn.Linear(in, out[, {bias=}])`, `nn.Conv1d`, `nn.Conv2d`, `nn.LayerNorm`, `nn.GroupNorm`,
/// `nn.Embedding`, `nn.Dropout`, the activations and `nn.Sequential`. Weights start as PyTorch's
/// do, drawn from the generator `tensor.seed` restarts.
extension NNLibrary {
    static func registerLayers(_ library: LuaLibrary) {
        library.function(
            "Linear", "nn.Linear(in_features, out_features[, {bias=true}]) -> Module",
            "y = x·Wᵀ + b: [..., in] -> [..., out]; weight [out, in], bias [out]"
        ) { call in
            try call.expectAtMost(3)
            let (input, output) = (try positive(call, at: 1), try positive(call, at: 2))
            let bias = try call.options(at: 3, allowed: ["bias"]).boolean("bias") ?? true
            return try call.push(object: Linear(input, output, bias: bias) as Module)
        }
        registerConvolutions(library)
        library.function(
            "LayerNorm", "nn.LayerNorm(normalized_shape[, {eps=1e-5, elementwise_affine=true}]) -> Module",
            "Normalises over the trailing axes normalized_shape (a size or a list of sizes), with weight 1 and bias 0"
        ) { call in
            try call.expectAtMost(2)
            let shape = try sizes(call, at: 1, count: nil, what: "normalized_shape")
            let options = try call.options(at: 2, allowed: ["eps", "elementwise_affine"])
            let eps = try nonNegative(options, "eps") ?? 1e-5
            let affine = try options.boolean("elementwise_affine") ?? true
            return try call.push(object: LayerNorm(shape, eps: eps, affine: affine) as Module)
        }
        library.function(
            "GroupNorm", "nn.GroupNorm(num_groups, num_channels[, {eps=1e-5}]) -> Module",
            "Normalises [N, C, ...] over groups of channels, with per-channel weight 1 and bias 0"
        ) { call in
            try call.expectAtMost(3)
            let (groups, channels) = (try positive(call, at: 1), try positive(call, at: 2))
            guard channels % groups == 0 else {
                throw LuaArgumentError(
                    position: 2, message: "num_channels \(channels) is not a multiple of num_groups \(groups)")
            }
            let eps = try nonNegative(call.options(at: 3, allowed: ["eps"]), "eps") ?? 1e-5
            return try call.push(object: GroupNorm(groups: groups, channels: channels, eps: eps) as Module)
        }
        library.function(
            "Embedding", "nn.Embedding(num_embeddings, embedding_dim[, {padding_idx=}]) -> Module",
            "A table of vectors looked up by int64 ids (0-based, any shape): [...] -> [..., dim]; "
                + "the padding_idx row starts at zero and never trains"
        ) { call in
            try call.expectAtMost(3)
            let (count, dimension) = (try positive(call, at: 1), try positive(call, at: 2))
            var padding = try call.options(at: 3, allowed: ["padding_idx"]).integer("padding_idx")
            if let index = padding {
                guard (-count..<count).contains(index) else {
                    throw LuaArgumentError(
                        position: 3,
                        message:
                            "option 'padding_idx': must be an id in 0..\(count - 1) (or negative from the end), got \(index)"
                    )
                }
                padding = index < 0 ? count + index : index
            }
            return try call.push(object: Embedding(count, dimension, paddingIndex: padding) as Module)
        }
        library.function(
            "Dropout", "nn.Dropout([p=0.5]) -> Module",
            "Zeroes each element with probability p in training mode and scales the rest by 1/(1-p); nothing in eval mode"
        ) { call in
            try call.expectAtMost(1)
            let p =
                call.type(at: 1) == .table
                ? try call.options(at: 1, allowed: ["p"]).number("p") ?? 0.5 : try call.number(at: 1, default: 0.5)
            guard (0...1).contains(p) else {
                throw LuaArgumentError(position: 1, message: "p must be in [0, 1], got \(p)")
            }
            return try call.push(object: Dropout(p) as Module)
        }
        registerActivations(library)
        registerSequential(library)
    }

    private static func registerActivations(_ library: LuaLibrary) {
        library.function(
            "GELU", "nn.GELU([{approximate=\"none\"|\"tanh\"}]) -> Module",
            "Gaussian error linear unit, exact (erf) or tanh-approximated"
        ) { call in
            try call.expectAtMost(1)
            let approximate = try call.options(at: 1, allowed: ["approximate"]).choice(
                "approximate", of: ["none", "tanh"])
            return try call.push(object: ActivationLayer(approximate == "tanh" ? .geluPytorchTanh : .gelu) as Module)
        }
        for (name, activation, summary) in [
            ("ReLU", Activation.relu, "max(x, 0)"), ("Tanh", .tanh, "tanh(x)"),
            ("Sigmoid", .sigmoid, "1 / (1 + exp(-x))"),
        ] {
            library.function(name, "nn.\(name)() -> Module", summary) { call in
                try call.expectAtMost(0)
                return try call.push(object: ActivationLayer(activation) as Module)
            }
        }
    }

    private static func registerSequential(_ library: LuaLibrary) {
        library.function(
            "Sequential", "nn.Sequential{layer, ...} or nn.Sequential(layer, ...) -> Module",
            "Chains layers, feeding each output to the next; submodules are named 0, 1, … as in PyTorch, and s[i] is the i-th"
        ) { call in
            var values: [(position: Int, value: LuaValue, entry: Int?)] = []
            if call.count == 1, call.type(at: 1) == .table {
                let list = try call.table(at: 1)
                guard list.fields.isEmpty, list.otherKeys == 0 else {
                    throw LuaArgumentError(
                        position: 1, message: "a list of layers expected, got a table with other keys")
                }
                values = list.array.enumerated().map { (1, $1, $0 + 1) }
            } else if call.count > 0 {
                values = (1...call.count).map { ($0, call.value(at: $0), nil) }
            }
            let layers = try values.map { position, value, entry -> any Layer in
                let place = entry.map { "entry \($0) of the list" } ?? "the argument"
                guard case .object(let object) = value, let module = object as? Module else {
                    throw LuaArgumentError(
                        position: position, message: "\(place) must be a layer (Module), got \(value.typeName)")
                }
                guard let layer = module as? any Layer else {
                    throw LuaArgumentError(
                        position: position,
                        message: "\(place) is a \(module.typeName), which does not map one tensor to one tensor")
                }
                return layer
            }
            return try call.push(object: Sequential(layers) as Module)
        }
    }

    // MARK: - Arguments

    /// A size argument of at least 1.
    static func positive(_ call: LuaCall, at position: Int) throws -> Int {
        let value = try call.integer(at: position)
        guard value >= 1 else {
            throw LuaArgumentError(position: position, message: "a positive size expected, got \(value)")
        }
        return value
    }

    /// A number option that must not be negative (eps), or nil when absent.
    static func nonNegative(_ options: LuaOptions, _ name: String) throws -> Double? {
        guard let value = try options.number(name) else { return nil }
        guard value >= 0 else {
            throw LuaArgumentError(position: options.position, message: "option '\(name)': must be >= 0, got \(value)")
        }
        return value
    }

    /// One positive size or a list of them (`count` of them when given), as PyTorch's int-or-tuple arguments.
    static func sizes(_ call: LuaCall, at position: Int, count: Int?, what: String) throws -> [Int] {
        guard call.type(at: position) == .table else {
            let size = try positive(call, at: position)
            return Array(repeating: size, count: count ?? 1)
        }
        let values = try call.integers(in: call.table(at: position), at: position, what: "size")
        guard !values.isEmpty, count.map({ values.count == $0 }) ?? true, values.allSatisfy({ $0 >= 1 }) else {
            let expected = count.map { "\($0) positive sizes" } ?? "positive sizes"
            throw LuaArgumentError(position: position, message: "\(what): \(expected) expected, got \(luaList(values))")
        }
        return values
    }
}
