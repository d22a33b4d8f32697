import NN
import TensorCore

/// Region embeddings (keys `uniter.img_embeddings.*`): `LN( LN_img(img_linear(f)) +
/// LN_pos(pos_linear(p7)) + token_type[1] )`. Regions get no position embedding.
final class UNITERImageEmbeddings: Module {
    let imgLinear: Linear, imgLayerNorm: LayerNorm
    let posLinear: Linear, posLayerNorm: LayerNorm
    let layerNorm: LayerNorm
    let dropout: Double

    init(_ config: UNITERConfig) {
        let d = config.bert.hiddenSize, eps = config.bert.layerNormEps
        imgLinear = Linear(config.imgDim, d)
        imgLayerNorm = LayerNorm(d, eps: eps)
        posLayerNorm = LayerNorm(d, eps: eps)
        posLinear = Linear(7, d)
        layerNorm = LayerNorm(d, eps: eps)
        dropout = config.bert.hiddenDropoutProb
        super.init()
        register([
            "img_linear": imgLinear, "img_layer_norm": imgLayerNorm, "pos_layer_norm": posLayerNorm,
            "pos_linear": posLinear, "LayerNorm": layerNorm,
        ])
    }

    /// `features [B, K, img_dim]`, `boxes [B, K, 7]` and the image token-type row `[D]` →
    /// `[B, K, D]`.
    func callAsFunction(features: Tensor, boxes: Tensor, typeEmbedding: Tensor) throws -> Tensor {
        let image = try imgLayerNorm(imgLinear(features))
        let place = try posLayerNorm(posLinear(boxes))
        return try layerNorm(image + place + typeEmbedding).dropout(p: dropout, training: isTraining)
    }
}
