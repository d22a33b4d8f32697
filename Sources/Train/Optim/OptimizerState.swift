import FoundationEssentials
import TensorCore

/// A saved optimizer: buffers as tensors plus a small JSON-able header, the two halves of
/// PyTorch's `optimizer.state_dict()`.
///
/// Tensors are named `"<index>.<buffer>"` where index is the parameter's position in
/// ``Optimizer/parameters`` and buffer is PyTorch's name (`momentum_buffer`, `exp_avg`,
/// `exp_avg_sq`, `max_exp_avg_sq`). A parameter that has not been stepped yet has no buffers.
/// A checkpoint writer can store ``tensors`` in a safetensors file and ``headerJSON()`` beside
/// them (for instance in the file's string metadata).
public struct OptimizerState: Sendable {
    /// One parameter group: its size and options by PyTorch name (`lr`, `weight_decay`, …).
    public struct Group: Codable, Sendable, Equatable {
        /// How many parameters the group holds (they follow the previous groups' in order).
        public var parameterCount: Int
        /// ``OptimizerOptions/values``: the options by PyTorch name.
        public var options: [String: Double]

        public init(parameterCount: Int, options: [String: Double]) {
            self.parameterCount = parameterCount
            self.options = options
        }
    }

    /// Everything but the buffers.
    public struct Header: Codable, Sendable, Equatable {
        /// ``Optimizer/name`` of the optimizer that made the state.
        public var optimizer: String
        /// The groups in order.
        public var groups: [Group]
        /// Each parameter's shape, to refuse a state made for another model.
        public var shapes: [[Int]]
        /// Each parameter's step count (Adam's `step`); empty for optimizers that count none.
        public var steps: [Int]

        public init(optimizer: String, groups: [Group], shapes: [[Int]], steps: [Int]) {
            self.optimizer = optimizer
            self.groups = groups
            self.shapes = shapes
            self.steps = steps
        }
    }

    /// Everything but the buffers; ``headerJSON()`` gives it as JSON.
    public var header: Header
    /// The buffers, by `"<index>.<buffer>"`.
    public var tensors: [String: Tensor]

    public init(header: Header, tensors: [String: Tensor]) {
        self.header = header
        self.tensors = tensors
    }

    /// The header as a JSON object (sorted keys, so equal states give equal text).
    public func headerJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(header), as: UTF8.self)
    }

    /// A state from the text of ``headerJSON()`` and the buffers.
    /// - Throws: when the text is not such a header.
    public init(headerJSON: String, tensors: [String: Tensor]) throws {
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(headerJSON.utf8))
        } catch {
            throw TensorError.io("optimizer state: the header is not valid: \(error)")
        }
        self.tensors = tensors
    }
}

// MARK: - Building and checking states (shared by the optimizers)

extension OptimizerState {
    /// The header of `optimizer` over `groups`, with each parameter's `steps`.
    static func header<Options>(
        _ name: String, _ groups: [ParameterGroup<Options>], steps: [Int]
    ) -> Header {
        Header(
            optimizer: name,
            groups: groups.map { Group(parameterCount: $0.parameters.count, options: $0.options.values) },
            shapes: groups.flatMap { $0.parameters.map(\.shape) },
            steps: steps)
    }

    /// Checks that this state fits `groups` of optimizer `name` and returns the groups' options
    /// rebuilt from it.
    func matchingOptions<Options>(
        _ name: String, _ groups: [ParameterGroup<Options>]
    ) throws -> [Options] {
        guard header.optimizer == name else {
            throw TensorError.invalidArgument("\(name): cannot restore the state of a \(header.optimizer) optimizer")
        }
        guard header.groups.count == groups.count else {
            throw TensorError.invalidArgument(
                "\(name): the state has \(header.groups.count) parameter groups, the optimizer \(groups.count)")
        }
        let shapes = groups.flatMap { $0.parameters.map(\.shape) }
        for (g, (saved, group)) in zip(header.groups, groups).enumerated()
        where saved.parameterCount != group.parameters.count {
            throw TensorError.invalidArgument(
                "\(name): group \(g + 1) of the state has \(saved.parameterCount) parameters, the optimizer's \(group.parameters.count)"
            )
        }
        for (i, (saved, shape)) in zip(header.shapes, shapes).enumerated() where saved != shape {
            throw TensorError.invalidArgument(
                "\(name): parameter \(i) has shape \(shape) but the state was saved for \(saved) (a checkpoint of another model?)"
            )
        }
        return try zip(header.groups, groups).map { saved, group in
            try Options(values: saved.options, defaults: group.options)
        }
    }

    /// The float32 buffer `"<index>.<buffer>"` shaped like `shape`, copied, or nil when absent.
    func buffer(_ index: Int, _ buffer: String, shape: [Int], optimizer: String) throws -> Tensor? {
        guard let t = tensors["\(index).\(buffer)"] else { return nil }
        guard t.shape == shape else {
            throw TensorError.invalidArgument(
                "\(optimizer): state buffer \(index).\(buffer) has shape \(t.shape), its parameter \(shape)")
        }
        return t.converted(to: .float32).copied()
    }
}
