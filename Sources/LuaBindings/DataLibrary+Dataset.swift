import Datasets
import Lua
import TensorCore

/// A dataset as Lua sees it: Swift samples (decoded on any thread) followed by Lua `map`
/// functions (run on the Lua thread, in order, when a sample is taken).
final class LuaDataset {
    /// The decoding part, which loader workers read.
    private(set) var base: any Dataset
    /// `ds:map` functions, applied in order to each sample table.
    let maps: [LuaRef]
    /// The `on_error` of `data.manifest`, which loaders inherit.
    let onError: ErrorPolicy

    init(_ base: any Dataset, maps: [LuaRef], onError: ErrorPolicy) {
        self.base = base
        self.maps = maps
        self.onError = onError
    }

    /// Pushes the table of sample `index` (0-based): decoded, then passed through the maps.
    func pushSample(at index: Int, on call: LuaCall) throws -> Int {
        let sample: Sample
        do {
            sample = try base.sample(at: index)
        } catch let error as DatasetError {
            throw LuaMessageError("Dataset[\(index + 1)]: \(error)")
        }
        TensorMemory.pace(call.lua)
        return call.push(maps.isEmpty ? Self.value(sample) : try mapped(sample, on: call))
    }

    /// A decoded sample passed through the maps.
    func mapped(_ sample: Sample, on call: LuaCall) throws -> LuaValue {
        var value = Self.value(sample)
        for map in maps {
            let results = try call.call(map) { $0.push(value) }
            guard let result = results.first, case .table = result else {
                throw LuaMessageError(
                    "the function given to ds:map must return the sample table, "
                        + "it returned \(results.first?.typeName ?? "nothing")")
            }
            value = result
        }
        return value
    }

    /// The table `{pixel_values=, input_values=, label=, text=, id=, <extras>}`.
    static func value(_ sample: Sample) -> LuaValue {
        var table = LuaTable()
        table.fields["pixel_values"] = sample.pixelValues.map { .object($0) }
        table.fields["input_values"] = sample.inputValues.map { .object($0) }
        table.fields["label"] = sample.label.map { .integer(Int64($0)) }
        table.fields["text"] = sample.text.map { .string($0) }
        table.fields["id"] = .string(sample.id)
        for (name, tensor) in sample.extras { table.fields[name] = .object(tensor) }
        return .table(table)
    }

    /// A short description: size, classes, source, cache, maps.
    var summary: String {
        var parts = ["\(base.count) samples"]
        let classes = base.classes
        if !classes.isEmpty {
            parts.append(
                "\(classes.count) classes: " + classes.prefix(8).joined(separator: ", ")
                    + (classes.count > 8 ? ", …" : ""))
        }
        var inner: any Dataset = base
        while true {
            if let subset = inner as? Subset {
                inner = subset.base
            } else if let mapped = inner as? MappedDataset {
                inner = mapped.base
            } else {
                break
            }
        }
        if let manifest = inner as? ManifestDataset {
            parts.append(manifest.count == base.count ? manifest.manifest.path : "part of \(manifest.manifest.path)")
            if let cache = manifest.cache { parts.append("cache \(cache.directory)") }
        }
        if !maps.isEmpty { parts.append(maps.count == 1 ? "1 map" : "\(maps.count) maps") }
        return "Dataset(" + parts.joined(separator: "; ") + ")"
    }

    /// Turns on the disk cache (in place: loaders made later use it).
    func cache(in directory: String) throws {
        base = try base.cached(in: directory)
    }
}

extension DataLibrary {
    static func registerDataset(_ lua: LuaState) {
        let type = lua.userType(
            LuaDataset.self, name: "Dataset",
            summary: "Decoded clips: #ds, ds[i] (1-based) = {pixel_values=, input_values=, label=, text=, id=}")
        type.tostring { $0.summary }
        type.length { $0.base.count }
        type.elements(
            "ds[i]",
            "Sample i (1-based): {pixel_values=[T,3,H,W], input_values=[N], label=<0-based class id>, text=, id=}."
        ) { ds, call in
            let i = try call.integer(at: 2)
            guard i >= 1, i <= ds.base.count else {
                throw LuaMessageError(
                    "Dataset[\(i)]: index out of range 1..\(ds.base.count) (Lua indices start at 1)")
            }
            return try ds.pushSample(at: i - 1, on: call)
        }
        type.method(
            "classes", "ds:classes() -> {names}",
            "Label names in class-id order: class id k is classes[k + 1]."
        ) { ds, call in
            try call.expectAtMost(1)
            return call.push(ds.base.classes)
        }
        type.method(
            "split", "ds:split(frac[, {seed=, stratify=true}]) -> ds1, ds2",
            "Two random parts, the first with frac of the samples; stratified by label unless stratify=false."
        ) { ds, call in
            try call.expectAtMost(3)
            let fraction = try call.number(at: 2)
            let options = try call.options(at: 3, allowed: ["seed", "stratify"])
            let seed =
                try options.integer("seed").map { UInt64(bitPattern: Int64($0)) }
                ?? RandomGenerator.shared.next()
            let (first, second) = try call.reporting(options: 2) {
                try ds.base.split(fraction: fraction, seed: seed, stratified: options.boolean("stratify") ?? true)
            }
            try call.push(object: LuaDataset(first, maps: ds.maps, onError: ds.onError))
            return try call.push(object: LuaDataset(second, maps: ds.maps, onError: ds.onError)) + 1
        }
        type.method(
            "map", "ds:map(fn) -> Dataset",
            "A dataset whose samples are fn(sample); fn runs on the Lua thread as each sample is taken."
        ) { ds, call in
            try call.expectAtMost(2)
            let function = try call.function(at: 2)
            return try call.push(object: LuaDataset(ds.base, maps: ds.maps + [function], onError: ds.onError))
        }
        type.method(
            "cache", "ds:cache(dir) -> ds",
            "Keeps decoded samples in dir (safetensors, keyed by file, options and modification time); returns ds."
        ) { ds, call in
            try call.expectAtMost(2)
            let directory = try call.string(at: 2)
            try call.reporting(options: 2) { try ds.cache(in: directory) }
            return call.pushArgument(1)
        }
    }
}
