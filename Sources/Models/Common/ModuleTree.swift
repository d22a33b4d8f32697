import NN

// How a model's module tree looks: the checkpoint's key hierarchy, and the summaries
// `print(m)` shows.

/// A module that only nests named children, reproducing a checkpoint's key hierarchy
/// (`attention.output.dense`) without a class for every level. The model that owns the leaves
/// keeps references to them and does the computing.
final class Scope: Module {
    private let label: String

    init(_ label: String, _ children: KeyValuePairs<String, Module>) {
        self.label = label
        super.init()
        register(children)
    }

    override var typeName: String { label }
}

extension Module {
    /// Registers `children` under their names, in this order (the order of the module tree, of
    /// the parameters and of the initial weights drawn over them).
    func register(_ children: KeyValuePairs<String, Module>) {
        for (name, child) in children { register(child: name, child) }
    }
}

/// "1 layer", "12 layers", "3 classes": counts in model summaries.
func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    n == 1 ? "1 \(noun)" : "\(n) \(plural ?? noun + "s")"
}

/// "768 wide, 12 layers, 12 heads": the shape of a transformer encoder in summaries.
func encoderShape(width: Int, layers: Int, heads: Int) -> String {
    "\(width) wide, \(counted(layers, "layer")), \(counted(heads, "head"))"
}
