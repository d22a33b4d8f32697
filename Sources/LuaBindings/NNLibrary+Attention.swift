import Lua
import NN

/// `nn.MultiheadAttention` and `nn.TransformerEncoderLayer` with PyTorch's arguments and
/// defaults — `batch_first=false` included: sequences are `[L, B, D]` unless asked otherwise.
extension NNLibrary {
    static func registerAttention(_ library: LuaLibrary) {
        library.function(
            "MultiheadAttention",
            "nn.MultiheadAttention(embed_dim, num_heads[, {dropout=0, batch_first=false}]) -> Module",
            "Attention with PyTorch's packed in_proj_weight: mha(query, key, value[, {key_padding_mask=, attn_mask=}]) -> output "
                + "([L, B, D], or [B, L, D] with batch_first=true)"
        ) { call in
            try call.expectAtMost(3)
            let (width, heads) = (try positive(call, at: 1), try positive(call, at: 2))
            try checkHeads(width, heads, position: 2)
            let options = try call.options(at: 3, allowed: ["dropout", "batch_first"])
            let attention = MultiheadAttention(
                embedDim: width, heads: heads, dropout: try probability(options, "dropout") ?? 0,
                batchFirst: try options.boolean("batch_first") ?? false)
            return try call.push(object: attention as Module)
        }
        library.function(
            "TransformerEncoderLayer",
            "nn.TransformerEncoderLayer(d_model, nhead[, {dim_feedforward=2048, dropout=0.1, activation=\"relu\", "
                + "layer_norm_eps=1e-5, batch_first=false, norm_first=false}]) -> Module",
            "Self-attention and a feed-forward block with residuals and LayerNorms: "
                + "layer(src[, {src_mask=, src_key_padding_mask=}]) -> [L, B, D] (or [B, L, D] with batch_first=true)"
        ) { call in
            try call.expectAtMost(3)
            let (width, heads) = (try positive(call, at: 1), try positive(call, at: 2))
            try checkHeads(width, heads, position: 2)
            let options = try call.options(
                at: 3,
                allowed: ["dim_feedforward", "dropout", "activation", "layer_norm_eps", "batch_first", "norm_first"])
            let feedForward = try options.integer("dim_feedforward") ?? 2048
            guard feedForward >= 1 else {
                throw LuaArgumentError(
                    position: 3, message: "option 'dim_feedforward': must be positive, got \(feedForward)")
            }
            let activation: Activation =
                try options.choice("activation", of: ["relu", "gelu"]) == "gelu" ? .gelu : .relu
            let layer = TransformerEncoderLayer(
                dModel: width, heads: heads, feedForward: feedForward,
                dropout: try probability(options, "dropout") ?? 0.1,
                activation: activation, eps: try nonNegative(options, "layer_norm_eps") ?? 1e-5,
                normFirst: try options.boolean("norm_first") ?? false,
                batchFirst: try options.boolean("batch_first") ?? false)
            return try call.push(object: layer as Module)
        }
    }

    private static func checkHeads(_ width: Int, _ heads: Int, position: Int) throws {
        guard width % heads == 0 else {
            throw LuaArgumentError(position: position, message: "\(heads) heads do not divide the width \(width)")
        }
    }

    /// A probability option in [0, 1], or nil when absent.
    static func probability(_ options: LuaOptions, _ name: String) throws -> Double? {
        guard let p = try options.number(name) else { return nil }
        guard (0...1).contains(p) else {
            throw LuaArgumentError(position: options.position, message: "option '\(name)': must be in [0, 1], got \(p)")
        }
        return p
    }
}
