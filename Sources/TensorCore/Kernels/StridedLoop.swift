/// Walks several same-shaped strided operands in row-major order, one row segment at a time.
///
/// Shapes are first collapsed: size-1 axes are dropped and neighbouring axes merge when every
/// operand steps through them as one (`stride[i] == stride[i+1] * shape[i+1]`). Most real cases
/// collapse to one or two axes, so the inner loop — over the last axis, with each operand's
/// ``innerStrides`` — does nearly all the work while the odometer over outer axes runs rarely.
struct StridedLoop {
    /// Collapsed shape; the last axis is the row.
    let shape: [Int]
    /// Collapsed strides, one array per operand.
    let strides: [[Int]]
    /// The operands' starting offsets, in elements.
    let origins: [Int]
    /// Elements in all.
    let count: Int

    init(shape: [Int], strides: [[Int]], origins: [Int]) {
        var dims: [(size: Int, strides: [Int])] = []
        for axis in shape.indices where shape[axis] != 1 {
            let s = strides.map { $0[axis] }
            if let last = dims.last,
                zip(last.strides, s).allSatisfy({ $0 == $1 * shape[axis] })
            {
                dims[dims.count - 1] = (last.size * shape[axis], s)
            } else {
                dims.append((shape[axis], s))
            }
        }
        if dims.isEmpty { dims = [(1, strides.map { _ in 0 })] }
        self.shape = dims.map(\.size)
        self.strides = strides.indices.map { k in dims.map { $0.strides[k] } }
        self.origins = origins
        count = shape.reduce(1, *)
    }

    /// Row length (size of the last collapsed axis).
    var rowLength: Int { shape[shape.count - 1] }
    /// Each operand's stride along a row.
    var innerStrides: [Int] { strides.map { $0[$0.count - 1] } }

    /// Calls `body(offsets, n)` for each row segment inside the flat element range `range`;
    /// `offsets[k]` is operand k's element offset at the segment start and `n` its length.
    @inline(__always)
    func forEachSegment(in range: Range<Int>, _ body: (UnsafePointer<Int>, Int) -> Void) {
        guard !range.isEmpty else { return }
        let ops = strides.count, outer = shape.count - 1, len = rowLength
        withUnsafeTemporaryAllocation(of: Int.self, capacity: ops + max(outer, 1)) { buf in
            let offsets = buf.baseAddress!, index = buf.baseAddress! + ops
            // Position the odometer at the row holding `range.lowerBound`.
            var row = range.lowerBound / len
            var column = range.lowerBound % len
            for k in 0..<ops { offsets[k] = origins[k] }
            for axis in stride(from: outer - 1, through: 0, by: -1) {
                index[axis] = row % shape[axis]
                row /= shape[axis]
                for k in 0..<ops { offsets[k] += index[axis] * strides[k][axis] }
            }
            var remaining = range.count
            while remaining > 0 {
                let n = min(len - column, remaining)
                if column > 0 {
                    for k in 0..<ops { offsets[k] += column * strides[k][outer] }
                    body(offsets, n)
                    for k in 0..<ops { offsets[k] -= column * strides[k][outer] }
                } else {
                    body(offsets, n)
                }
                remaining -= n
                column = 0
                // Advance the odometer by one row.
                var axis = outer - 1
                while axis >= 0 {
                    index[axis] += 1
                    for k in 0..<ops { offsets[k] += strides[k][axis] }
                    if index[axis] < shape[axis] { break }
                    for k in 0..<ops { offsets[k] -= shape[axis] * strides[k][axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Runs ``forEachSegment(in:_:)`` over all elements, split across threads when large.
    @inline(__always)
    func forEachSegmentInParallel(_ body: (UnsafePointer<Int>, Int) -> Void) {
        Parallel.forEachRange(count: count) { range in forEachSegment(in: range, body) }
    }
}
