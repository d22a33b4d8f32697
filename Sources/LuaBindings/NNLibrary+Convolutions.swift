import Lua
import NN
import TensorCore

/// `nn.Conv1d` and `nn.Conv2d` with PyTorch's arguments: kernel_size positional; stride,
/// padding, dilation, groups and bias as options. Sizes are an integer or, for Conv2d, a list
/// `{h, w}`; padding may also be "valid" (none) or "same" (stride 1, even total padding).
extension NNLibrary {
    private static let convolutionOptions = ["stride", "padding", "dilation", "groups", "bias"]

    static func registerConvolutions(_ library: LuaLibrary) {
        library.function(
            "Conv1d",
            "nn.Conv1d(in_channels, out_channels, kernel_size[, {stride=1, padding=0, dilation=1, groups=1, bias=true}]) -> Module",
            "1-D convolution: [N, C, L] -> [N, out, L']; weight [out, C/groups, kernel]"
        ) { call in
            let (channels, options) = try convolution(call, dimensions: 1)
            return try call.push(
                object: Conv1d(
                    channels.input, channels.output, kernelSize: options.kernel[0], stride: options.stride[0],
                    padding: options.padding[0], dilation: options.dilation[0], groups: options.groups,
                    bias: options.bias) as Module)
        }
        library.function(
            "Conv2d",
            "nn.Conv2d(in_channels, out_channels, kernel_size[, {stride=1, padding=0, dilation=1, groups=1, bias=true}]) -> Module",
            "2-D convolution: [N, C, H, W] -> [N, out, H', W']; sizes are n or {h, w}; weight [out, C/groups, kh, kw]"
        ) { call in
            let (channels, o) = try convolution(call, dimensions: 2)
            let options = Conv2DOptions(
                stride: (o.stride[0], o.stride[1]), padding: (o.padding[0], o.padding[1]),
                dilation: (o.dilation[0], o.dilation[1]), groups: o.groups)
            return try call.push(
                object: Conv2d(
                    channels.input, channels.output, kernelSize: (o.kernel[0], o.kernel[1]), options: options,
                    bias: o.bias) as Module)
        }
    }

    private struct ConvolutionOptions {
        var kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]
        var groups: Int, bias: Bool
    }

    /// The arguments both convolutions share, checked: channel counts that groups divide,
    /// positive sizes, and a padding that the kernel allows.
    private static func convolution(_ call: LuaCall, dimensions n: Int) throws -> (
        (input: Int, output: Int), ConvolutionOptions
    ) {
        try call.expectAtMost(4)
        let (input, output) = (try positive(call, at: 1), try positive(call, at: 2))
        let kernel = try sizes(call, at: 3, count: n, what: "kernel_size")
        let table = try call.options(at: 4, allowed: convolutionOptions)
        let stride = try optionSizes(table, "stride", n) ?? Array(repeating: 1, count: n)
        let dilation = try optionSizes(table, "dilation", n) ?? Array(repeating: 1, count: n)
        let groups = try table.integer("groups") ?? 1
        guard groups >= 1, input % groups == 0, output % groups == 0 else {
            throw LuaArgumentError(
                position: 4,
                message: "option 'groups': \(groups) must divide in_channels \(input) and out_channels \(output)")
        }
        let padding = try paddings(table, kernel: kernel, stride: stride, dilation: dilation)
        let options = ConvolutionOptions(
            kernel: kernel, stride: stride, padding: padding, dilation: dilation, groups: groups,
            bias: try table.boolean("bias") ?? true)
        return ((input, output), options)
    }

    /// An int-or-list option of `n` positive sizes, or nil when absent.
    private static func optionSizes(_ options: LuaOptions, _ name: String, _ n: Int) throws -> [Int]? {
        guard let value = options.value(name) else { return nil }
        var values: [Int]?
        if let single = value.integer { values = Array(repeating: single, count: n) }
        if case .table(let list) = value, list.fields.isEmpty, list.otherKeys == 0 {
            values = list.array.compactMap(\.integer)
        }
        guard let values, values.count == n, values.allSatisfy({ $0 >= 1 }) else {
            let form = n == 1 ? "a positive integer" : "a positive integer or a list of \(n)"
            throw LuaArgumentError(position: options.position, message: "option '\(name)': \(form) expected")
        }
        return values
    }

    /// Zero-padding per side: integers (>= 0), "valid", or "same" — which keeps the length at
    /// stride 1 when the total padding dilation·(kernel - 1) splits evenly over both sides.
    private static func paddings(_ options: LuaOptions, kernel: [Int], stride: [Int], dilation: [Int]) throws -> [Int] {
        let n = kernel.count
        func fail(_ message: String) -> LuaArgumentError {
            LuaArgumentError(position: options.position, message: "option 'padding': \(message)")
        }
        switch options.value("padding") {
        case nil, .string("valid")?:
            return Array(repeating: 0, count: n)
        case .string("same")?:
            guard stride.allSatisfy({ $0 == 1 }) else { throw fail("\"same\" needs stride 1") }
            let totals = zip(kernel, dilation).map { $1 * ($0 - 1) }
            guard totals.allSatisfy({ $0 % 2 == 0 }) else {
                throw fail(
                    "\"same\" with kernel_size \(luaList(kernel)) pads unevenly, which Ember's convolutions do not; give a padding"
                )
            }
            return totals.map { $0 / 2 }
        case .table(let list)? where list.fields.isEmpty && list.otherKeys == 0 && list.array.count == n:
            let values = list.array.compactMap(\.integer)
            guard values.count == n, values.allSatisfy({ $0 >= 0 }) else { throw fail("sizes >= 0 expected") }
            return values
        case let value?:
            guard let single = value.integer, single >= 0 else {
                throw fail("an integer >= 0\(n == 1 ? "" : ", a list of \(n)"), \"valid\" or \"same\" expected")
            }
            return Array(repeating: single, count: n)
        }
    }
}
