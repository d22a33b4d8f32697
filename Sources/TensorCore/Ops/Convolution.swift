/// Convolutions by im2col + gemm. conv1d is conv2d over a height-1 image, so one kernel serves
/// both. For each image and group: columns = im2col(input) `[C/g·kh·kw, Hout·Wout]`, then
/// output = weight `[O/g, C/g·kh·kw]` · columns. Backward recomputes the columns (cheaper in
/// memory than keeping them) and scatters column gradients back with col2im.
public struct Conv2DOptions: Sendable, Equatable {
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)
    public var groups: Int

    public init(
        stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1
    ) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation && a.groups == b.groups
    }
}

extension Tensor {
    /// 1-D convolution: input `[N, C, L]`, weight `[O, C/groups, K]`, bias `[O]` → `[N, O, Lout]`.
    public func conv1d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
    ) throws -> Tensor {
        guard rank == 3, weight.rank == 3 else {
            throw TensorError.shape(
                "conv1d: input must be [N, C, L] and weight [O, C/groups, K], got \(describe(shape)) and \(describe(weight.shape))"
            )
        }
        let options = Conv2DOptions(stride: (1, stride), padding: (0, padding), dilation: (1, dilation), groups: groups)
        let y = try unsqueezed(at: 2).conv2d(
            weight: weight.unsqueezed(at: 2), bias: bias, options: options, op: "conv1d")
        return try y.squeezed(at: 2)
    }

    /// 2-D convolution: input `[N, C, H, W]`, weight `[O, C/groups, kh, kw]`, bias `[O]`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, options: Conv2DOptions = Conv2DOptions()) throws -> Tensor {
        try conv2d(weight: weight, bias: bias, options: options, op: "conv2d")
    }

    private func conv2d(weight: Tensor, bias: Tensor?, options o: Conv2DOptions, op: String) throws -> Tensor {
        let geometry = try ConvGeometry(input: shape, weight: weight.shape, options: o, op: op)
        if let bias, bias.shape != [geometry.outChannels] {
            throw TensorError.shape("\(op): bias \(describe(bias.shape)) should be [\(geometry.outChannels)]")
        }
        let type = promotedType(dtype, weight.dtype)
        guard type.isComputeFloat else {
            throw TensorError.invalidArgument("\(op): float tensors expected, got \(dtype)")
        }
        let x = detached().converted(to: type).contiguous(), w = weight.detached().converted(to: type).contiguous()
        let out = Tensor(uninitialized: geometry.outputShape, dtype: type)
        try geometry.forward(x, w, out)
        var y = out
        if let bias {
            y = try (out + bias.detached().converted(to: type).reshaped([1, geometry.outChannels, 1, 1])).detached()
        }
        let input = self
        return y.recorded(op, [input, weight] + (bias.map { [$0] } ?? [])) { g in
            let gc = g.contiguous()
            let (gx, gw) = try geometry.backward(
                gc, x, w, needInput: input.requiresGrad, needWeight: weight.requiresGrad)
            var grads: [Tensor?] = [gx, gw]
            if let bias { grads.append(bias.requiresGrad ? try gc.sum(axes: [0, 2, 3]) : nil) }
            return grads
        }
    }
}

/// Sizes of one convolution and its im2col/col2im kernels.
struct ConvGeometry {
    let n, c, h, w, outChannels, kh, kw, outH, outW, groups: Int
    let options: Conv2DOptions
    var outputShape: [Int] { [n, outChannels, outH, outW] }
    var columnRows: Int { c / groups * kh * kw }
    var positions: Int { outH * outW }

    init(input s: [Int], weight ws: [Int], options o: Conv2DOptions, op: String) throws {
        guard s.count == 4, ws.count == 4 else {
            throw TensorError.shape(
                "\(op): input must be [N, C, H, W] and weight [O, C/groups, kh, kw], got \(describe(s)) and \(describe(ws))"
            )
        }
        guard o.groups >= 1, s[1] % o.groups == 0, ws[0] % o.groups == 0, ws[1] * o.groups == s[1] else {
            throw TensorError.shape(
                "\(op): input channels \(s[1]) and weight \(describe(ws)) do not match groups=\(o.groups)")
        }
        guard o.stride.0 > 0, o.stride.1 > 0, o.dilation.0 > 0, o.dilation.1 > 0, o.padding.0 >= 0, o.padding.1 >= 0
        else {
            throw TensorError.invalidArgument("\(op): stride and dilation must be positive and padding non-negative")
        }
        (n, c, h, w) = (s[0], s[1], s[2], s[3])
        (outChannels, kh, kw, groups, options) = (ws[0], ws[2], ws[3], o.groups, o)
        outH = (h + 2 * o.padding.0 - o.dilation.0 * (kh - 1) - 1) / o.stride.0 + 1
        outW = (w + 2 * o.padding.1 - o.dilation.1 * (kw - 1) - 1) / o.stride.1 + 1
        guard outH > 0, outW > 0 else {
            throw TensorError.shape(
                "\(op): input \(describe(s)) is smaller than the kernel \(describe(ws)) with this padding and dilation")
        }
    }

    func forward(_ x: Tensor, _ weight: Tensor, _ out: Tensor) throws {
        let cols = Tensor(uninitialized: [columnRows, positions], dtype: x.dtype)
        let og = outChannels / groups
        for image in 0..<n {
            try Interrupt.check()
            for g in 0..<groups {
                im2col(x, image: image, group: g, into: cols)
                let wg = weight.view(
                    shape: [og, columnRows], strides: [columnRows, 1], offset: weight.offset + g * og * columnRows)
                let yg = out.view(
                    shape: [og, positions], strides: [positions, 1], offset: (image * outChannels + g * og) * positions)
                gemm(wg, transA: false, cols, transB: false, into: yg, accumulate: false)
            }
        }
    }

    func backward(_ gy: Tensor, _ x: Tensor, _ weight: Tensor, needInput: Bool, needWeight: Bool) throws -> (
        Tensor?, Tensor?
    ) {
        let gx = needInput ? Tensor(zeros: x.shape, dtype: x.dtype) : nil
        let gw = needWeight ? Tensor(zeros: weight.shape, dtype: x.dtype) : nil
        let cols = Tensor(uninitialized: [columnRows, positions], dtype: x.dtype)
        let og = outChannels / groups
        for image in 0..<n {
            try Interrupt.check()
            for g in 0..<groups {
                let gyg = gy.view(
                    shape: [og, positions], strides: [positions, 1],
                    offset: gy.offset + (image * outChannels + g * og) * positions)
                if let gw {
                    im2col(x, image: image, group: g, into: cols)
                    let gwg = gw.view(shape: [og, columnRows], strides: [columnRows, 1], offset: g * og * columnRows)
                    gemm(gyg, transA: false, cols, transB: true, into: gwg, accumulate: true)
                }
                if let gx {
                    let wg = weight.view(
                        shape: [og, columnRows], strides: [columnRows, 1], offset: weight.offset + g * og * columnRows)
                    gemm(wg, transA: true, gyg, transB: false, into: cols, accumulate: false)
                    col2im(cols, image: image, group: g, into: gx)
                }
            }
        }
        return (gx, gw)
    }

    private func im2col(_ x: Tensor, image: Int, group: Int, into cols: Tensor) {
        func run<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) {
            let src = x.pointer(as: T.self) + (image * c + group * (c / groups)) * h * w
            let dst = cols.pointer(as: T.self)
            let rows = columnRows
            Parallel.forEachRange(count: rows, cost: positions) { range in
                for row in range {
                    let kj = row % kw, ki = (row / kw) % kh, ch = row / (kw * kh)
                    let plane = src + ch * h * w, out = dst + row * positions
                    for oh in 0..<outH {
                        let ih = oh * options.stride.0 - options.padding.0 + ki * options.dilation.0
                        let line = out + oh * outW
                        guard ih >= 0, ih < h else { for ow in 0..<outW { line[ow] = 0 }; continue }
                        for ow in 0..<outW {
                            let iw = ow * options.stride.1 - options.padding.1 + kj * options.dilation.1
                            line[ow] = iw >= 0 && iw < w ? plane[ih * w + iw] : 0
                        }
                    }
                }
            }
        }
        if x.dtype == .float64 { run(Double.self) } else { run(Float.self) }
    }

    /// Adds column gradients back to the input positions they were read from.
    private func col2im(_ cols: Tensor, image: Int, group: Int, into gx: Tensor) {
        func run<T: BinaryFloatingPoint & TensorScalar>(_: T.Type) {
            let dst = gx.pointer(as: T.self) + (image * c + group * (c / groups)) * h * w
            let src = cols.pointer(as: T.self)
            // Channels are independent, so they split across threads without write conflicts.
            Parallel.forEachRange(count: c / groups, cost: kh * kw * positions) { range in
                for ch in range {
                    let plane = dst + ch * h * w
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            let line = src + ((ch * kh + ki) * kw + kj) * positions
                            for oh in 0..<outH {
                                let ih = oh * options.stride.0 - options.padding.0 + ki * options.dilation.0
                                guard ih >= 0, ih < h else { continue }
                                for ow in 0..<outW {
                                    let iw = ow * options.stride.1 - options.padding.1 + kj * options.dilation.1
                                    if iw >= 0 && iw < w { plane[ih * w + iw] += line[oh * outW + ow] }
                                }
                            }
                        }
                    }
                }
            }
        }
        if gx.dtype == .float64 { run(Double.self) } else { run(Float.self) }
    }
}
