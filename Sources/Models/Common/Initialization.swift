import NN
import TensorCore

/// Hugging Face's from-scratch initialisation (`_init_weights`): every Linear and Conv2d weight
/// N(0, std²) with a zero bias, every Embedding N(0, std²), LayerNorms ones and zeros. Models
/// then apply their own special cases on top (padding rows, CLIP's scaled projections).
func initializeWeights(of root: Module, std: Double) {
    for (_, m) in root.namedModules() {
        switch m {
        case let l as Linear:
            setNormal(l.weight, std: std)
            if let b = l.bias { setZero(b) }
        case let c as Conv2d:
            setNormal(c.weight, std: std)
            if let b = c.bias { setZero(b) }
        case let e as Embedding:
            setNormal(e.weight, std: std)
        case let n as LayerNorm:
            if let w = n.weight { setValue(w, 1) }
            if let b = n.bias { setZero(b) }
        default:
            break
        }
    }
}

/// Overwrites a parameter in place with N(0, std²) samples (optimizers holding it stay valid),
/// without recording the copy.
func setNormal(_ t: Tensor, std: Double, generator: RandomGenerator = .shared) {
    noGrad { try! t.assign(Initializer.normal(t.shape, std: std, generator: generator)) }  // same shape
}

func setZero(_ t: Tensor) { setValue(t, 0) }

func setValue(_ t: Tensor, _ value: Double) {
    noGrad { try! t.assign(Tensor.full(t.shape, value, dtype: t.dtype)) }
}
