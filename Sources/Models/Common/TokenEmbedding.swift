import NN
import TensorCore

/// Looks up `ids` (int64, any shape) in `table` → `ids.shape + [D]`, with PyTorch's
/// `padding_idx` rule: positions holding `paddingIndex` take their row's value but send it no
/// gradient, so the padding row never trains.
func lookup(_ table: Embedding, _ ids: Tensor, paddingIndex: Int?, model: String, input: String) throws -> Tensor {
    guard ids.dtype == .int64 else { throw ModelError.input("\(model): \(input) must be int64 ids, got \(ids.dtype)") }
    let rows = table.weight.shape[0]
    if let bad = ids.toArray(of: Int64.self).first(where: { $0 < 0 || $0 >= rows }) {
        throw ModelError.input("\(model): \(input) holds \(bad), outside the table's \(rows) rows")
    }
    let e = try table(ids)
    guard let paddingIndex, e.requiresGrad else { return e }
    let isPadding = try ids.eq(Double(paddingIndex)).unsqueezed(at: -1)
    return try Tensor.where(isPadding, e.detached(), e)
}
