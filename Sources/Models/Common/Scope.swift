import NN

/// A module that only nests named children, reproducing a checkpoint's key hierarchy
/// (`attention.output.dense`) without a class for every level. The model that owns the leaves
/// keeps references to them and does the computing.
final class Scope: Module {
    private let label: String

    init(_ label: String, _ children: KeyValuePairs<String, Module>) {
        self.label = label
        super.init()
        for (name, child) in children { register(child: name, child) }
    }

    override var typeName: String { label }
}
