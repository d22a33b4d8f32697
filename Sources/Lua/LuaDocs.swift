/// One documented entry: a library function, a method, a property or a library itself.
public struct LuaDoc: Sendable, Equatable {
    /// The qualified name: `tensor.zeros` (library function), `Tensor:size` (method),
    /// `Tensor.grad` (property), `tensor` (library or type).
    public var name: String
    /// How it is called, e.g. `tensor.zeros(size...[, {dtype=}]) -> Tensor`.
    public var signature: String
    /// One line saying what it does.
    public var summary: String

    /// Makes an entry.
    public init(name: String, signature: String, summary: String) {
        self.name = name
        self.signature = signature
        self.summary = summary
    }
}

/// The documentation of everything registered in a ``LuaState``: used by `?name`, `%help` and
/// completion. Every registration call takes a signature and a summary, so nothing callable
/// from Lua goes undocumented.
public final class LuaDocs {
    private var entries: [String: LuaDoc] = [:]

    /// Adds or replaces an entry.
    public func add(_ doc: LuaDoc) {
        entries[doc.name] = doc
    }

    /// The entry for a qualified name (`tensor.zeros`, `Tensor:size`, `Tensor.grad`).
    public func lookup(_ name: String) -> LuaDoc? {
        entries[name]
    }

    /// All entries whose name starts with `prefix`, sorted by name.
    public func entries(withPrefix prefix: String) -> [LuaDoc] {
        entries.values.filter { $0.name.hasPrefix(prefix) }.sorted { $0.name < $1.name }
    }

    /// Every entry, sorted by name.
    public var all: [LuaDoc] { entries(withPrefix: "") }
}
