import TensorCore

/// Where a checkpoint's storages lie in its file.
struct StorageLocator {
    let file: MappedFile
    /// Storages were written on a big-endian machine and need their elements swapped.
    let bigEndian: Bool
    /// The byte range of storage `key` in `file` (nil when absent), and its name for messages.
    let locate: (_ key: String) -> (range: Range<Int>?, name: String)
}

/// Turns the tensor references of an unpickled state dict into tensors.
///
/// Each storage becomes one Ember ``Storage``, so tensors that shared a storage in PyTorch
/// (views, tied weights) share it here too. A storage whose bytes are already Ember's
/// layout — F32/F64/I64/F16/BF16, little-endian, aligned — is borrowed from the mapped file; the
/// others (bool, narrower integers widened to int64, big-endian data, unaligned bytes) are copied.
struct TensorMaterializer {
    let locator: StorageLocator
    private var storages: [String: Storage] = [:]

    init(locator: StorageLocator) { self.locator = locator }

    private var path: String { locator.file.path }

    /// Every tensor of the dict `root`, by name. Nested dicts contribute their tensors under
    /// dotted names (`{"model": {"w": t}}` gives `model.w`); other values (ints, strings, lists,
    /// the `_metadata` of a state dict) are not tensors and are left out.
    mutating func tensors(from root: PickleValue) throws -> [String: Tensor] {
        guard case .dict(let d) = root else {
            throw CheckpointError(path: path, reason: "the pickle holds a \(root.kind), not a dict of tensors")
        }
        var out: [String: Tensor] = [:]
        var visited: Set<ObjectIdentifier> = []
        try flatten(d, prefix: "", into: &out, visited: &visited)
        return out
    }

    private mutating func flatten(
        _ d: PickleDict, prefix: String, into out: inout [String: Tensor], visited: inout Set<ObjectIdentifier>
    ) throws {
        // A pickle can make a dict contain itself; each dict is walked once.
        guard visited.insert(ObjectIdentifier(d)).inserted else { return }
        for (key, value) in d.items {
            let name: String
            switch key {
            case .string(let s): name = prefix + s
            case .int(let n): name = prefix + String(n)
            default: continue
            }
            switch value {
            case .tensor(let t):
                guard out[name] == nil else {
                    throw CheckpointError(path: path, key: name, reason: "two entries of the checkpoint have this name")
                }
                out[name] = try tensor(t, name: name)
            case .dict(let sub):
                try flatten(sub, prefix: name + ".", into: &out, visited: &visited)
            default:
                continue
            }
        }
    }

    /// The tensor `t` (named `name` in messages), after checking that it fits its storage.
    private mutating func tensor(_ t: TensorReference, name: String) throws -> Tensor {
        func fail(_ why: String) -> CheckpointError { CheckpointError(path: path, key: name, reason: why) }
        let (range, storageName) = locator.locate(t.storage.key)
        guard let range else { throw fail("its storage \(storageName) is missing from the file") }
        let (needed, overflow) = t.storage.count.multipliedReportingOverflow(by: t.storage.type.byteCount)
        guard !overflow, range.count == needed else {
            throw fail(
                "storage \(storageName) has \(range.count) bytes, but its \(t.storage.type.name) of "
                    + "\(t.storage.count) elements needs \(overflow ? "more than Int.max" : String(needed))")
        }
        let element = t.elementType
        guard needed % element.byteCount == 0 else {
            throw fail("storage \(storageName) of \(needed) bytes does not hold whole \(element.rawValue) elements")
        }
        let elements = needed / element.byteCount
        // Ember tensors compute their element count as a plain product.
        let (_, countOverflows) = t.shape.reduce((1, false)) { acc, size in
            let r = acc.0.multipliedReportingOverflow(by: size)
            return (r.partialValue, acc.1 || r.overflow)
        }
        guard !countOverflows else { throw fail("size \(t.shape) has more elements than Int can count") }
        if t.shape.contains(0) {
            guard t.offset <= elements else {
                throw fail("offset \(t.offset) lies past the end of storage \(storageName) (\(elements) elements)")
            }
        } else {
            var last = t.offset
            for (size, stride) in zip(t.shape, t.strides) {
                let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw fail("size \(t.shape) and stride \(t.strides) overflow") }
                last = sum
            }
            guard last < elements else {
                throw fail(
                    "size \(t.shape), stride \(t.strides) and offset \(t.offset) reach element \(last), "
                        + "but storage \(storageName) has \(elements) \(element.rawValue) elements")
            }
        }
        // torch.load swaps a big-endian storage by its storage type's element size; untyped storages
        // (the _rebuild_tensor_v3 dtypes) count as bytes and stay as written. Ember does the same.
        let swapWidth = locator.bigEndian ? t.storage.type.byteCount : 1
        let storage = self.storage(t.storage.key, element: element, swapWidth: swapWidth, range: range)
        return Tensor(storage: storage, shape: t.shape, strides: t.strides, offset: t.offset, dtype: element.dtype)
    }

    /// Storage `key` read as `element`s: borrowed from the file when its bytes can be used as
    /// they are, converted (and byte-swapped in `swapWidth`-byte units) into a new storage otherwise.
    private mutating func storage(_ key: String, element: TorchElementType, swapWidth: Int, range: Range<Int>)
        -> Storage
    {
        let cacheKey = key + "\u{0}" + element.rawValue
        if let cached = storages[cacheKey] { return cached }
        let start = locator.file.base + range.lowerBound
        let result: Storage
        if element.isDirect, swapWidth == 1, Int(bitPattern: start) % element.byteCount == 0 {
            result = Storage(borrowing: start, byteCount: range.count, owner: locator.file)
        } else {
            let count = range.count / element.byteCount
            result = Storage(byteCount: count * element.dtype.byteCount)
            if swapWidth > 1 && count > 0 {
                let swapped = TensorMaterializer.byteSwapped(
                    UnsafeRawBufferPointer(start: start, count: range.count), width: swapWidth)
                swapped.withUnsafeBytes {
                    TensorMaterializer.convert($0.baseAddress!, count: count, element: element, into: result.base)
                }
            } else {
                TensorMaterializer.convert(UnsafeRawPointer(start), count: count, element: element, into: result.base)
            }
        }
        storages[cacheKey] = result
        return result
    }

    /// Writes `count` little-endian `element`s from `source` into `destination` in Ember's layout.
    private static func convert(
        _ source: UnsafeRawPointer, count: Int, element: TorchElementType, into destination: UnsafeMutableRawPointer
    ) {
        if element.isDirect {
            destination.copyMemory(from: source, byteCount: count * element.byteCount)
        } else if element == .bool {
            let out = destination.assumingMemoryBound(to: Bool.self)
            for i in 0..<count { out[i] = source.load(fromByteOffset: i, as: UInt8.self) != 0 }
        } else {
            let out = destination.assumingMemoryBound(to: Int64.self)
            for i in 0..<count { out[i] = element.integer(source, i) }
        }
    }

    /// `bytes` with the byte order of every `width`-byte element reversed.
    private static func byteSwapped(_ bytes: UnsafeRawBufferPointer, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes.count)
        for i in stride(from: 0, to: bytes.count, by: width) {
            for j in 0..<width { out[i + j] = bytes[i + width - 1 - j] }
        }
        return out
    }
}
