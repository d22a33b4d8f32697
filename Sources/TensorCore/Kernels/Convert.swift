/// Element copies between tensors of any layout and dtype (the kernel behind `contiguous`,
/// `copied`, dtype conversion and writes into views).

/// How one dtype's elements are read and written as Double-free typed values.
protocol ElementCodec {
    associatedtype Raw
    static func load(_ raw: Raw) -> Double
    static func store(_ value: Double) -> Raw
}

enum Float32Codec: ElementCodec {
    static func load(_ raw: Float) -> Double { Double(raw) }
    static func store(_ value: Double) -> Float { Float(value) }
}
enum Float64Codec: ElementCodec {
    static func load(_ raw: Double) -> Double { raw }
    static func store(_ value: Double) -> Double { value }
}
enum Int64Codec: ElementCodec {
    static func load(_ raw: Int64) -> Double { Double(raw) }
    static func store(_ value: Double) -> Int64 { Int64(saturating: value) }
}
enum BoolCodec: ElementCodec {
    static func load(_ raw: Bool) -> Double { raw ? 1 : 0 }
    static func store(_ value: Double) -> Bool { value != 0 }
}
enum Float16Codec: ElementCodec {
    static func load(_ raw: UInt16) -> Double { Double(Half.float16ToFloat(raw)) }
    static func store(_ value: Double) -> UInt16 { Half.floatToFloat16(Float(value)) }
}
enum BFloat16Codec: ElementCodec {
    static func load(_ raw: UInt16) -> Double { Double(Half.bfloat16ToFloat(raw)) }
    static func store(_ value: Double) -> UInt16 { Half.floatToBfloat16(Float(value)) }
}

/// Copies `src` into `dst` element by element (same shape), converting dtypes.
func copyElements(from src: Tensor, to dst: Tensor) {
    precondition(src.shape == dst.shape)
    let loop = StridedLoop(shape: src.shape, strides: [src.strides, dst.strides], origins: [src.offset, dst.offset])
    if src.dtype == dst.dtype {
        switch src.dtype.byteCount {
        case 1: copyRaw(UInt8.self, loop, src.storage, dst.storage)
        case 2: copyRaw(UInt16.self, loop, src.storage, dst.storage)
        case 4: copyRaw(UInt32.self, loop, src.storage, dst.storage)
        default: copyRaw(UInt64.self, loop, src.storage, dst.storage)
        }
        return
    }
    // Fast paths for the conversions checkpoints need; everything else goes through Double.
    switch (src.dtype, dst.dtype) {
    case (.bfloat16, .float32):
        convert(loop, src.storage, dst.storage) { (h: UInt16) -> Float in Half.bfloat16ToFloat(h) }
    case (.float16, .float32):
        convert(loop, src.storage, dst.storage) { (h: UInt16) -> Float in Half.float16ToFloat(h) }
    default:
        convertViaDouble(codec(src.dtype), codec(dst.dtype), loop, src.storage, dst.storage)
    }
}

private func codec(_ d: DType) -> any ElementCodec.Type {
    switch d {
    case .float32: return Float32Codec.self
    case .float64: return Float64Codec.self
    case .int64: return Int64Codec.self
    case .bool: return BoolCodec.self
    case .float16: return Float16Codec.self
    case .bfloat16: return BFloat16Codec.self
    }
}

private func copyRaw<T>(_ type: T.Type, _ loop: StridedLoop, _ s: Storage, _ d: Storage) {
    let sp = s.base.assumingMemoryBound(to: T.self), dp = d.base.assumingMemoryBound(to: T.self)
    let (ss, ds) = (loop.innerStrides[0], loop.innerStrides[1])
    loop.forEachSegmentInParallel { off, n in
        let a = sp + off[0], b = dp + off[1]
        if ss == 1 && ds == 1 {
            b.update(from: a, count: n)
        } else {
            for i in 0..<n { b[i * ds] = a[i * ss] }
        }
    }
}

private func convert<S, D>(_ loop: StridedLoop, _ s: Storage, _ d: Storage, _ f: (S) -> D) {
    let sp = s.base.assumingMemoryBound(to: S.self), dp = d.base.assumingMemoryBound(to: D.self)
    let (ss, ds) = (loop.innerStrides[0], loop.innerStrides[1])
    loop.forEachSegmentInParallel { off, n in
        let a = sp + off[0], b = dp + off[1]
        for i in 0..<n { b[i * ds] = f(a[i * ss]) }
    }
}

private func convertViaDouble<S: ElementCodec, D: ElementCodec>(
    _ s: S.Type, _ d: D.Type, _ loop: StridedLoop, _ src: Storage, _ dst: Storage
) {
    convert(loop, src, dst) { (x: S.Raw) -> D.Raw in D.store(S.load(x)) }
}

extension Tensor {
    /// A contiguous copy with its own storage (`clone` without the graph).
    public func copied() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        copyElements(from: self, to: out)
        return out
    }

    /// Writes `source` into this tensor's elements (through its strides: a view writes into its
    /// base). Used by optimizers and by backward passes that scatter into a zero tensor.
    /// - Throws: on a shape mismatch.
    public func assign(_ source: Tensor) throws {
        guard source.shape == shape else {
            throw TensorError.shape("assign: source \(describe(source.shape)) into \(describe(shape))")
        }
        copyElements(from: source, to: self)
    }

    /// The elements converted to `Element`'s dtype, in row-major order.
    public func toArray<Element: TensorScalar>(of type: Element.Type = Element.self) -> [Element] {
        let t =
            dtype == Element.dtype && isContiguous
            ? self
            : {
                let c = Tensor(uninitialized: shape, dtype: Element.dtype)
                copyElements(from: self, to: c)
                return c
            }()
        return Array(UnsafeBufferPointer(start: t.pointer(as: Element.self), count: count))
    }

    /// The elements as float32, in row-major order.
    public var scalars: [Float] { toArray(of: Float.self) }

    /// The value of a one-element tensor.
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError.shape("item: only a one-element tensor has an item, not shape \(describe(shape))")
        }
        return toArray(of: Double.self)[0]
    }
}
