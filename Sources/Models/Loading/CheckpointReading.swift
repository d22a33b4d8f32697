import FoundationEssentials
import TensorCore

/// The tensors of a model folder and the file they came from (for messages): `model.safetensors`,
/// or a sharded `model.safetensors.index.json`.
func readCheckpoint(directory: String) throws -> (tensors: [String: Tensor], source: String) {
    let single = directory + "/model.safetensors", index = directory + "/model.safetensors.index.json"
    do {
        if FileManager.default.fileExists(atPath: single) { return (try SafeTensors.load(path: single), single) }
        if FileManager.default.fileExists(atPath: index) { return (try SafeTensors.loadSharded(indexPath: index), index) }
    } catch let error as TensorError {
        throw ModelError.checkpoint(error.description)  // the reader's message names the file and tensor
    }
    throw ModelError.checkpoint("\(directory): no model.safetensors or model.safetensors.index.json")
}
