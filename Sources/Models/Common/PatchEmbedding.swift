import NN
import TensorCore

/// A patch embedding — a convolution with kernel = stride = P — computed as one matrix product:
/// the image is cut into its P×P patches (one strided copy), each flattened in the conv weight's
/// `[C, P, P]` order, and multiplied by the weight viewed as `[D, C·P·P]`. The same sums as the
/// convolution (which takes one small product per image), in one large GEMM.
/// - Parameters:
///   - images: `[B, C, S, S]`, S a multiple of P.
///   - projection: the conv, weight `[D, C, P, P]`, optional bias `[D]`.
/// - Returns: `[B, N, D]`, patches in row-major order (N = (S/P)²).
func embedPatches(_ images: Tensor, _ projection: Conv2d) throws -> Tensor {
    let (b, c, s) = (images.shape[0], images.shape[1], images.shape[2])
    let (d, p) = (projection.weight.shape[0], projection.weight.shape[2])
    let g = s / p
    let patches = try images.reshaped([b, c, g, p, g, p]).permuted([0, 2, 4, 1, 3, 5])  // [B, gh, gw, C, P, P]
        .reshaped([b * g * g, c * p * p])
    let weight = try projection.weight.reshaped([d, c * p * p])
    return try patches.linear(weight: weight, bias: projection.bias).reshaped([b, g * g, d])
}
