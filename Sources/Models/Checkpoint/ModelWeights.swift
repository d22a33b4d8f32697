import FoundationEssentials
import TensorCore

/// The tensors of a Hugging Face model folder or of one checkpoint file, by name, with the file
/// each came from.
///
/// ```swift
/// let weights = try ModelWeights.load(directory: "models/bert")   // config.json + weights
///     .normalizingLegacyNames()                                     // gamma/beta, weight_g/weight_v
///     .convertingFloatingPoint(to: .float32)                        // F16/BF16 checkpoints
/// ```
public struct ModelWeights: Sendable {
    /// Tensors by checkpoint name.
    public var tensors: [String: Tensor]
    /// The file each tensor was read from, by tensor name.
    public var sources: [String: String]

    /// Creates weights from tensors and the files they came from.
    public init(tensors: [String: Tensor], sources: [String: String]) {
        self.tensors = tensors
        self.sources = sources
    }

    /// The files read, sorted.
    public var files: [String] { Set(sources.values).sorted() }

    /// The file names `load(directory:)` looks for, in the order transformers prefers them.
    public static let standardFileNames = [
        "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json",
    ]

    /// Loads the weights of a model folder: the first of ``standardFileNames`` that exists
    /// (a sharded checkpoint through its index), or else the folder's only `.safetensors`,
    /// `.bin`, `.pt` or `.pth` file (UNITER's `model_step_<N>.pt`).
    /// - Throws: ``CheckpointError`` when the folder has no weights, several candidates, or a
    ///   file cannot be read.
    public static func load(directory: String) throws -> ModelWeights {
        let folder = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            throw CheckpointError(path: directory, reason: "cannot list the folder (\(error))")
        }
        if let standard = standardFileNames.first(where: names.contains) {
            return try load(file: folder + "/" + standard)
        }
        let candidates = names.filter { name in
            [".safetensors", ".bin", ".pt", ".pth"].contains { name.hasSuffix($0) }
        }
        guard candidates.count == 1 else {
            let found = candidates.isEmpty ? "none" : candidates.joined(separator: ", ")
            throw CheckpointError(
                path: directory,
                reason:
                    "expected \(standardFileNames.joined(separator: ", ")) or exactly one .safetensors/.bin/.pt/.pth file; found \(found)"
            )
        }
        return try load(file: folder + "/" + candidates[0])
    }

    /// Loads one file: safetensors, a shard index (`*.index.json`, safetensors or PyTorch
    /// shards), or a PyTorch checkpoint (``TorchCheckpoint``).
    public static func load(file path: String) throws -> ModelWeights {
        if path.hasSuffix(".index.json") { return try loadSharded(indexPath: path) }
        let tensors = try isSafeTensors(path) ? loadSafeTensors(path) : TorchCheckpoint.read(path: path)
        return ModelWeights(tensors: tensors, sources: tensors.mapValues { _ in path })
    }

    /// A sharded checkpoint: `{"weight_map": {tensor name: shard file}}` beside the shards.
    private static func loadSharded(indexPath: String) throws -> ModelWeights {
        struct Index: Decodable { let weight_map: [String: String] }
        let index: Index
        do {
            index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: URL(filePath: indexPath)))
        } catch {
            throw CheckpointError(
                path: indexPath, reason: "not a shard index (a JSON object with weight_map): \(error)")
        }
        let folder = indexPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var weights = ModelWeights(tensors: [:], sources: [:])
        for (shard, names) in Dictionary(grouping: index.weight_map.keys, by: { index.weight_map[$0]! }).sorted(by: {
            $0.key < $1.key
        }) {
            guard !shard.contains("/") else {
                throw CheckpointError(
                    path: indexPath, reason: "shard name '\(shard)' must be a file in the same folder")
            }
            let shardPath = folder.isEmpty ? shard : folder + "/" + shard
            let tensors = try load(file: shardPath).tensors
            for name in names {
                guard let tensor = tensors[name] else {
                    throw CheckpointError(
                        path: indexPath, key: name, reason: "the index puts it in \(shard), which does not contain it")
                }
                weights.tensors[name] = tensor
                weights.sources[name] = shardPath
            }
        }
        return weights
    }

    /// Whether `path` starts like a safetensors file: an 8-byte header length, then `{`.
    private static func isSafeTensors(_ path: String) throws -> Bool {
        if path.hasSuffix(".safetensors") { return true }
        let file = try MappedFile.checkpoint(at: path)
        return file.size >= 9 && file.all[8] == UInt8(ascii: "{")
            && file.all.littleEndian(UInt64.self, at: 0) <= UInt64(file.size - 8)
    }

    /// TensorCore's safetensors reader, with its errors as ``CheckpointError``s.
    private static func loadSafeTensors(_ path: String) throws -> [String: Tensor] {
        do {
            return try SafeTensors.load(path: path)
        } catch let error as TensorError {
            throw CheckpointError(path: path, tensorError: error)
        }
    }
}
