import NN
import TensorCore

extension UNITERModel {
    /// The embedded sequence `[B, N, D]` and its 0/1 key mask `[B, N]`, in Ember's layout
    /// (`[text | regions]`) or UNITER's (`gather_index` + `attn_masks`).
    func embed(_ input: ModelInput) throws -> (Tensor, Tensor) {
        var parts: [Tensor] = [], masks: [Tensor] = []
        if let ids = input["input_ids"] {
            guard ids.rank == 2 else {
                throw ModelError.input("\(typeName): input_ids must be [B, L], got \(ids.shape)")
            }
            parts.append(
                try embeddings(
                    ids, tokenTypes: input["token_type_ids"], positions: input["position_ids"], model: typeName))
            masks.append(try mask(input["attention_mask"], "attention_mask", like: ids.shape))
        }
        if let features = input["img_feat"] {
            let (b, k) = (features.shape.first ?? 0, features.rank > 1 ? features.shape[1] : 0)
            guard features.rank == 3, features.shape[2] == config.imgDim else {
                throw ModelError.input(
                    "\(typeName): img_feat must be [B, K, \(config.imgDim)] (img_dim), got \(features.shape)")
            }
            let boxes = try input.require("img_pos_feat", for: typeName)
            guard boxes.shape == [b, k, 7] else {
                throw ModelError.input(
                    "\(typeName): img_pos_feat must be [\(b), \(k), 7] ([x1, y1, x2, y2, w, h, w·h] per region), got \(boxes.shape)"
                )
            }
            // Regions take token type 1 of the shared token-type table.
            let imageType = try embeddings.tokenTypeEmbeddings.weight.select(axis: 0, index: 1)
            parts.append(
                try imageEmbeddings(
                    features: features.converted(to: .float32), boxes: boxes.converted(to: .float32),
                    typeEmbedding: imageType))
            masks.append(try mask(input["img_attention_mask"], "img_attention_mask", like: [b, k]))
        }
        if let audioValues = input["input_values"] {
            let (tokens, keep) = try audioTokens(audioValues, attentionMask: input["audio_attention_mask"])
            parts.append(tokens)
            masks.append(keep)
        }
        guard !parts.isEmpty else {
            throw ModelError.input("\(typeName): give input_ids, img_feat, input_values or several")
        }
        guard Set(parts.map { $0.shape[0] }).count == 1 else {
            throw ModelError.input(
                "\(typeName): the batch sizes of text, regions and audio differ: \(parts.map { $0.shape[0] })")
        }
        let joined = parts.count == 1 ? parts[0] : try Tensor.cat(parts, axis: 1)
        if let gatherIndex = input["gather_index"] {
            guard input["input_values"] == nil else {
                throw ModelError.input("\(typeName): gather_index does not cover audio tokens; use Ember's layout")
            }
            return try gathered(joined, gatherIndex, input)
        }
        return (joined, masks.count == 1 ? masks[0] : try Tensor.cat(masks, axis: 1))
    }

    /// UNITER's compact layout: row b of the result is `joined[b, gather_index[b, :]]`.
    private func gathered(_ joined: Tensor, _ gatherIndex: Tensor, _ input: ModelInput) throws -> (Tensor, Tensor) {
        let (b, total, d) = (joined.shape[0], joined.shape[1], joined.shape[2])
        guard gatherIndex.dtype == .int64, gatherIndex.rank == 2, gatherIndex.shape[0] == b else {
            throw ModelError.input(
                "\(typeName): gather_index must be int64 [\(b), N], got \(gatherIndex.dtype) \(gatherIndex.shape)")
        }
        let n = gatherIndex.shape[1]
        let positions = gatherIndex.toArray(of: Int64.self)
        if let bad = positions.first(where: { $0 < 0 || $0 >= Int64(total) }) {
            throw ModelError.input(
                "\(typeName): gather_index holds \(bad), outside the \(total) text and region positions")
        }
        let rows = try Tensor(
            shape: [b * n], scalars: positions.enumerated().map { Int64($0.offset / n * total) + $0.element })
        let sequence = try joined.reshaped([b * total, d]).indexSelect(axis: 0, indices: rows).reshaped([b, n, d])
        let keep = try input.require("attn_masks", for: typeName)
        guard keep.shape == [b, n] else {
            throw ModelError.input("\(typeName): attn_masks must be [\(b), \(n)] like gather_index, got \(keep.shape)")
        }
        return (sequence, keep)
    }

    /// A given 0/1 mask checked against `shape`, or all ones.
    private func mask(_ given: Tensor?, _ name: String, like shape: [Int]) throws -> Tensor {
        guard let given else { return Tensor.ones(shape) }
        guard given.shape == shape else {
            throw ModelError.input("\(typeName): \(name) must be \(shape), got \(given.shape)")
        }
        return given.converted(to: .float32)
    }
}
