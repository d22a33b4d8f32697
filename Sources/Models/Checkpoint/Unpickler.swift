/// A restricted reader of Python pickles (protocols 1–5), enough for what `torch.save` writes.
///
/// It builds plain values (``PickleValue``) and never calls anything: the globals a pickle may
/// name are the few of ``PickleGlobal``, whose effect it emulates, and every other global — and
/// every opcode that would look one up (INST, EXT*) — is refused with an error naming it. Memo,
/// mark and stack misuse, truncation, unknown opcodes and absurd nesting are errors, never crashes.
struct Unpickler {
    /// How deeply containers may nest. State dicts nest a few levels; the limit keeps walking and
    /// freeing a hostile pickle's values (both recursive) far from the end of the thread's stack.
    static let maximumNesting = 200

    /// A stack or memo item and how deeply it nests (0 for scalars). Lists, sets and dicts keep
    /// their nesting in the container object, which can grow after the item was stored.
    private struct Item {
        var value: PickleValue
        var depth = 0
    }

    private let bytes: UnsafeRawBufferPointer
    /// The byte after the last STOP read, where the next pickle (legacy format) starts.
    private(set) var position: Int
    private let path: String
    /// What is being read, for messages (`archive/data.pkl`, `the legacy object pickle`).
    private let source: String
    private var stack: [Item] = []
    private var marks: [Int] = []
    private var memo: [Int: Item] = [:]
    /// Where the opcode being executed starts.
    private var opcodeStart = 0
    /// Every storage the pickles read so far named, by key (the legacy format needs their types
    /// to find the storage records that follow the pickles).
    var storages: [String: StorageReference] = [:]

    init(bytes: UnsafeRawBufferPointer, startingAt position: Int = 0, path: String, source: String) {
        self.bytes = bytes
        self.position = position
        self.path = path
        self.source = source
    }

    /// Reads one pickle, up to and including its STOP opcode, and returns its value.
    mutating func load() throws -> PickleValue {
        stack = []
        marks = []
        memo = [:]
        while true {
            opcodeStart = position
            let op = try readByte()
            if op == 0x2E { return try pop().value }  // STOP
            try execute(op)
        }
    }

    // MARK: - Opcodes

    private mutating func execute(_ op: UInt8) throws {
        switch op {
        case 0x80: guard try readByte() <= 5 else { throw fail("unknown pickle protocol") }  // PROTO
        case 0x95: _ = try read(8)  // FRAME: a size hint only
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30:  // POP: the top item, or the mark when nothing is above it (as CPython)
            if stack.count > fence { stack.removeLast() } else { _ = try popMark() }
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: let top = try pop(); stack += [top, top]  // DUP
        case 0x4E: push(.none)
        case 0x88: push(.bool(true))
        case 0x89: push(.bool(false))
        case 0x49: try pushTextInteger(bool: true)  // INT (protocol 1 writes booleans as I01/I00)
        case 0x4C: try pushTextInteger(bool: false)  // LONG
        case 0x4A: push(.int(Int(Int32(littleEndian: try read(4).loadUnaligned(as: Int32.self)))))  // BININT
        case 0x4B: push(.int(Int(try readByte())))  // BININT1
        case 0x4D: push(.int(Int(try read(2).littleEndian(UInt16.self, at: 0))))  // BININT2
        case 0x8A: push(try readLong(count: Int(try readByte())))  // LONG1
        case 0x8B: push(try readLong(count: try readLength(4)))  // LONG4
        case 0x47: push(.float(Double(bitPattern: UInt64(bigEndian: try read(8).loadUnaligned(as: UInt64.self)))))
        case 0x58: push(.string(try readText(try readLength(4))))  // BINUNICODE
        case 0x8C: push(.string(try readText(Int(try readByte()))))  // SHORT_BINUNICODE
        case 0x8D: push(.string(try readText(try readLength(8))))  // BINUNICODE8
        case 0x54: push(.string(try readText(try readLength(4))))  // BINSTRING (Python 2 str)
        case 0x55: push(.string(try readText(Int(try readByte()))))  // SHORT_BINSTRING
        case 0x42: push(.bytes(Array(try read(try readLength(4)))))  // BINBYTES
        case 0x43: push(.bytes(Array(try read(Int(try readByte())))))  // SHORT_BINBYTES
        case 0x8E, 0x96: push(.bytes(Array(try read(try readLength(8)))))  // BINBYTES8, BYTEARRAY8
        case 0x5D: push(.list(PickleList()))  // EMPTY_LIST
        case 0x61: let item = try pop(); try add([item], toList: true)  // APPEND
        case 0x65: let items = try popMark(); try add(items, toList: true)  // APPENDS
        case 0x6C: try pushList(set: false)  // LIST
        case 0x29: push(.tuple([]), depth: 1)  // EMPTY_TUPLE
        case 0x74: let items = try popMark(); push(.tuple(items.map(\.value)), depth: try nesting(items))  // TUPLE
        case 0x85, 0x86, 0x87: try pushTuple(count: Int(op) - 0x84)  // TUPLE1..3
        case 0x7D: push(.dict(PickleDict()))  // EMPTY_DICT
        case 0x64: let d = PickleDict(); try setItems(d, try popMark()); push(.dict(d))  // DICT
        case 0x73: let value = try pop(), key = try pop(); try setItems(try dict(), [key, value])  // SETITEM
        case 0x75: let items = try popMark(); try setItems(try dict(), items)  // SETITEMS
        case 0x8F: push(.set(PickleList()))  // EMPTY_SET
        case 0x90: let items = try popMark(); try add(items, toList: false)  // ADDITEMS
        case 0x91: try pushList(set: true)  // FROZENSET
        case 0x68: try pushMemo(Int(try readByte()))  // BINGET
        case 0x6A: try pushMemo(try readLength(4))  // LONG_BINGET
        case 0x71: memo[Int(try readByte())] = try top()  // BINPUT
        case 0x72: memo[try readLength(4)] = try top()  // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()  // MEMOIZE
        case 0x63: push(try global(module: try readLine(), name: try readLine()))  // GLOBAL
        case 0x93:  // STACK_GLOBAL
            let name = try pop().value, module = try pop().value
            guard case .string(let m) = module, case .string(let n) = name else {
                throw fail("STACK_GLOBAL needs two strings, got \(module.kind) and \(name.kind)")
            }
            push(try global(module: m, name: n))
        case 0x52:  // REDUCE: callable(*args)
            let args = try pop().value, callable = try pop().value
            push(try reduce(callable, args), depth: 1)
        case 0x62: _ = try pop(); try build(try top().value)  // BUILD: the state is dropped
        case 0x69:  // INST: looks up a class by name and calls it with the marked items
            let cls = try global(module: try readLine(), name: try readLine())
            push(try instantiate(cls, arguments: try popMark().map(\.value)))
        case 0x6F:  // OBJ: class and arguments are the marked items
            var items = try popMark().map(\.value)
            guard !items.isEmpty else { throw fail("OBJ without a class") }
            let cls = items.removeFirst()
            push(try instantiate(cls, arguments: items))
        case 0x81, 0x92:  // NEWOBJ (class, args), NEWOBJ_EX (class, args, kwargs)
            if op == 0x92 { _ = try pop() }
            let args = try pop().value, cls = try pop().value
            push(try instantiate(cls, arguments: [args]))
        case 0x51: push(try persistentLoad(try pop().value), depth: 1)  // BINPERSID
        case 0x82, 0x83, 0x84:  // EXT1/2/4: a copyreg registry code standing for a global
            let code = try read(1 << (Int(op) - 0x82)).reversed().reduce(0) { $0 << 8 | Int($1) }  // little-endian
            throw fail("refusing the extension code \(code) (EXT opcodes name a callable through copyreg)")
        default:
            let printable = (0x20...0x7E).contains(op) ? " '\(Character(UnicodeScalar(op)))'" : ""
            throw fail("unsupported pickle opcode 0x\(String(op, radix: 16))\(printable)")
        }
    }

    // MARK: - Stack, marks and memo

    /// Items below the innermost mark belong to an enclosing construction and cannot be popped.
    private var fence: Int { marks.last ?? 0 }

    private mutating func push(_ value: PickleValue, depth: Int = 0) {
        stack.append(Item(value: value, depth: depth))
    }

    private mutating func pop() throws -> Item {
        guard stack.count > fence else { throw fail("the pickle stack is empty") }
        return stack.removeLast()
    }

    private func top() throws -> Item {
        guard stack.count > fence, let item = stack.last else { throw fail("the pickle stack is empty") }
        return item
    }

    private mutating func popMark() throws -> [Item] {
        guard let mark = marks.popLast() else { throw fail("no MARK before an opcode that needs one") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func pushMemo(_ index: Int) throws {
        guard let value = memo[index] else { throw fail("memo entry \(index) was never stored") }
        stack.append(value)
    }

    private mutating func pushList(set: Bool) throws {
        let items = try popMark()
        let list = PickleList(items.map(\.value), depth: try nesting(items))
        push(set ? .set(list) : .list(list))
    }

    private mutating func pushTuple(count: Int) throws {
        guard stack.count - count >= fence else { throw fail("TUPLE\(count) needs \(count) items on the stack") }
        let items = Array(stack.suffix(count))
        stack.removeLast(count)
        push(.tuple(items.map(\.value)), depth: try nesting(items))
    }

    /// Adds `items` to the list (or set) on top of the stack.
    private func add(_ items: [Item], toList list: Bool) throws {
        let target: PickleList
        switch try top().value {
        case .list(let l) where list: target = l
        case .set(let s) where !list: target = s
        case let other: throw fail("cannot add items to a \(other.kind)")
        }
        target.depth = max(target.depth, try nesting(items))
        target.items += items.map(\.value)
    }

    private func dict() throws -> PickleDict {
        guard case .dict(let d) = try top().value else {
            throw fail("SETITEM(S) on a \(try top().value.kind), not a dict")
        }
        return d
    }

    private func setItems(_ d: PickleDict, _ flat: [Item]) throws {
        guard flat.count % 2 == 0 else { throw fail("an odd number of items for a dict") }
        d.depth = max(d.depth, try nesting(flat))
        for i in stride(from: 0, to: flat.count, by: 2) { d.items.append((flat[i].value, flat[i + 1].value)) }
    }

    /// The nesting of a container holding `items`: one more than the deepest item.
    /// - Throws: when that exceeds ``maximumNesting``.
    private func nesting(_ items: [Item]) throws -> Int {
        var deepest = 0
        for item in items {
            switch item.value {
            case .list(let l), .set(let l): deepest = max(deepest, l.depth)
            case .dict(let d): deepest = max(deepest, d.depth)
            default: deepest = max(deepest, item.depth)
            }
        }
        guard deepest < Unpickler.maximumNesting else {
            throw fail("containers nest more than \(Unpickler.maximumNesting) levels deep")
        }
        return deepest + 1
    }

    // MARK: - Reading bytes

    private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw fail("the pickle ends in the middle of an opcode (truncated?)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw fail("the pickle ends before its STOP opcode (truncated?)") }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned little-endian length of `width` bytes that must fit in the remaining input.
    private mutating func readLength(_ width: Int) throws -> Int {
        let raw = try read(width)
        let value = width == 4 ? UInt64(raw.littleEndian(UInt32.self, at: 0)) : raw.littleEndian(UInt64.self, at: 0)
        guard value <= UInt64(bytes.count) else { throw fail("a length of \(value) bytes exceeds the pickle") }
        return Int(value)
    }

    private mutating func readText(_ count: Int) throws -> String {
        String(decoding: try read(count), as: UTF8.self)
    }

    /// A newline-terminated ASCII argument (GLOBAL, INST, INT, LONG).
    private mutating func readLine() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else {
            throw fail("the pickle ends inside a text argument (truncated?)")
        }
        defer { position = end + 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
    }

    private mutating func pushTextInteger(bool: Bool) throws {
        var line = try readLine()
        if bool, line == "00" || line == "01" { push(.bool(line == "01")); return }
        if line.hasSuffix("L") { line.removeLast() }
        guard let value = Int(line) else { throw fail("'\(line)' is not an integer this reader handles") }
        push(.int(value))
    }

    /// A little-endian two's-complement integer of `count` bytes.
    private mutating func readLong(count: Int) throws -> PickleValue {
        let raw = Array(try read(count))
        guard raw.count <= 8 else { return .bigInt(raw) }
        guard let last = raw.last else { return .int(0) }
        var value: UInt64 = last & 0x80 != 0 ? ~0 : 0  // sign-extend
        for b in raw.reversed() { value = value << 8 | UInt64(b) }
        return .int(Int(Int64(bitPattern: value)))
    }

    /// An error at the current opcode.
    func fail(_ reason: String) -> CheckpointError {
        CheckpointError(path: path, reason: "\(source), byte \(opcodeStart): \(reason)")
    }
}
