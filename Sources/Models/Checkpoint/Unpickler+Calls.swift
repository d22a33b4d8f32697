/// The opcodes that would call Python code in a full unpickler — GLOBAL, REDUCE, BUILD, INST,
/// OBJ, NEWOBJ, persistent ids — restricted to the allowed globals and emulated here.
extension Unpickler {
    /// The global `module.name` when it is allowed.
    /// - Throws: a refusal naming `module.name` for anything else.
    func global(module: String, name: String) throws -> PickleValue {
        guard let allowed = PickleGlobal(module: module, name: name) else {
            throw fail(
                "refusing the global '\(module).\(name)': a checkpoint pickle may only name PyTorch tensor "
                    + "rebuilds, storage types, dtypes and plain containers, so it cannot run code")
        }
        return .global(allowed)
    }

    /// `callable(*args)` for the callables the reader emulates.
    func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let g) = callable else {
            throw fail("REDUCE calls a \(callable.kind), which is not callable")
        }
        guard case .tuple(let a) = args else { throw fail("REDUCE on \(g.qualifiedName) with \(args.kind) arguments") }
        switch g {
        case .orderedDict:
            return try instantiate(callable, arguments: a)
        case .codecsEncode:
            // bytes b pickled as _codecs.encode(b.decode("latin1"), "latin1")
            guard a.count == 2, case .string(let text) = a[0], case .string(let encoding) = a[1],
                ["latin1", "latin-1"].contains(encoding.lowercased()),
                text.unicodeScalars.allSatisfy({ $0.value <= 0xFF })
            else {
                throw fail("_codecs.encode is allowed only as protocol 2 writes bytes: (latin-1 text, 'latin1')")
            }
            return .bytes(text.unicodeScalars.map { UInt8($0.value) })
        case .rebuildTensorV2, .rebuildTensorV3:
            return .tensor(try rebuildTensor(a, typedByArgument: g == .rebuildTensorV3))
        case .rebuildParameter(let withState):
            guard a.count == (withState ? 4 : 3), case .tensor = a[0] else {
                throw fail(
                    "\(g.qualifiedName) expects (tensor, requires_grad, hooks\(withState ? ", state" : "")), got \(describe(a))"
                )
            }
            return a[0]  // a Parameter is its data; requires_grad and hooks do not matter for loading
        case .storageType, .dtype:
            throw fail("refusing to call '\(g.qualifiedName)': only tensor rebuilds and OrderedDict may be called")
        }
    }

    /// `cls(*arguments)` for INST, OBJ and NEWOBJ: only an empty `OrderedDict`.
    func instantiate(_ cls: PickleValue, arguments: [PickleValue]) throws -> PickleValue {
        guard case .global(.orderedDict) = cls else {
            throw fail("refusing to instantiate '\(cls.kind)': only collections.OrderedDict may be created")
        }
        let isEmptyCall = arguments.allSatisfy { if case .tuple(let t) = $0 { return t.isEmpty } else { return false } }
        guard isEmptyCall else { throw fail("collections.OrderedDict is allowed only without arguments") }
        return .dict(PickleDict())
    }

    /// BUILD (`__setstate__`): allowed only on a dict, whose instance attributes (the
    /// `_metadata` of a `state_dict()`) are dropped.
    func build(_ target: PickleValue) throws {
        guard case .dict = target else { throw fail("refusing BUILD (__setstate__) on a \(target.kind)") }
    }

    /// A storage from its persistent id, `('storage', storage type, key, location, count)` —
    /// with a sixth item, the view metadata, in the legacy format.
    mutating func persistentLoad(_ pid: PickleValue) throws -> PickleValue {
        guard case .tuple(let t) = pid, let tag = t.first else { throw fail("a persistent id that is not a tuple") }
        if case .string("module") = tag {
            throw fail(
                "the file pickles a whole nn.Module (torch.save(model)); only state dicts can be read — "
                    + "save model.state_dict() instead")
        }
        guard case .string("storage") = tag, t.count == 5 || t.count == 6 else {
            throw fail("unknown persistent id \(describe(t))")
        }
        guard case .global(.storageType(let type)) = t[1], case .string(let key) = t[2], case .int(let count) = t[4],
            count >= 0
        else {
            throw fail("malformed storage persistent id \(describe(t))")
        }
        if t.count == 6 {
            guard case .none = t[5] else {
                throw fail("storage '\(key)' is a view of another storage (PyTorch < 1.0), which is not supported")
            }
        }
        let reference = StorageReference(key: key, type: type, count: count)
        if let seen = storages[key], seen != reference {
            throw fail(
                "storage '\(key)' is named as \(seen.type.name) of \(seen.count) and as \(type.name) of \(count)")
        }
        storages[key] = reference
        return .storage(reference)
    }

    /// The tensor `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`,
    /// or `_v3` with the element type as the seventh argument. Bounds are checked later, with the
    /// tensor's name at hand.
    private func rebuildTensor(_ a: [PickleValue], typedByArgument v3: Bool) throws -> TensorReference {
        let name = v3 ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2"
        guard a.count >= (v3 ? 7 : 6), a.count <= (v3 ? 8 : 7), case .storage(let storage) = a[0],
            case .int(let offset) = a[1], let shape = integers(a[2]), let strides = integers(a[3])
        else {
            throw fail("\(name) expects (storage, offset, size, stride, requires_grad, hooks…), got \(describe(a))")
        }
        guard offset >= 0, shape.count == strides.count, !shape.contains(where: { $0 < 0 }),
            !strides.contains(where: { $0 < 0 })
        else {
            throw fail("\(name): offset \(offset), size \(shape) and stride \(strides) do not describe a tensor")
        }
        let element: TorchElementType
        switch (storage.type, v3 ? a[6] : nil) {
        case (.typed(let t), nil): element = t
        case (.untyped, .global(.dtype(let t))?): element = t
        default: throw fail("\(name) with a \(storage.type.name) and \(v3 ? a[6].kind : "no dtype")")
        }
        return TensorReference(storage: storage, elementType: element, offset: offset, shape: shape, strides: strides)
    }

    private func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .int(let n) = item else { return nil }
            out.append(n)
        }
        return out
    }

    /// A short rendering of pickle values for messages: at most 8 items, 3 levels.
    private func describe(_ values: [PickleValue], levels: Int = 3) -> String {
        let shown = values.prefix(8).map { value -> String in
            switch value {
            case .int(let n): return String(n)
            case .string(let s): return "'\(s.prefix(40))'"
            case .tuple(let t) where levels > 1: return describe(t, levels: levels - 1)
            default: return value.kind
            }
        }
        return "(" + (shown + (values.count > 8 ? ["…"] : [])).joined(separator: ", ") + ")"
    }
}
