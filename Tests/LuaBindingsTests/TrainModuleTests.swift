import Lua
import Models
import NN
import TensorCore
import TestSupport
import Testing

/// The trainer from Lua with a Swift model, as the `nn` library will hand them over (a `Module`
/// userdata): trained directly on its own loss, its optimizer built from the model itself, and
/// its checkpoint a Hugging Face model folder. The test registers the userdata type itself
/// (under a name of its own), standing in for `nn`.
@Suite struct TrainModuleTests {
    @Test func trainsASwiftModelFromLua() throws {
        let fixture = try EmberFixture()
        _ = fixture.lua.userType(Module.self, name: "TestModel", summary: "A Swift model (test stand-in for nn).")
        fixture.lua.function("tiny_vit", "tiny_vit() -> TestModel", "A small ViT classifier (tests).") { call in
            var config = ViTConfig()
            (config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize) = (
                16, 1, 2, 24
            )
            (config.imageSize, config.patchSize) = (16, 8)
            config.labels = ClassLabels(count: 3)
            return try call.push(object: try ViTForImageClassification(config: config) as Module)
        }
        try fixture.run(
            """
            tensor.seed(1)
            local batches = {}
            for i = 1, 3 do
              batches[i] = {pixel_values = tensor.rand(4, 3, 16, 16), labels = tensor({0, 1, 2, 1}, {dtype = "int64"})}
            end
            local m = tiny_vit()
            local tr = train.Trainer{model = m, optimizer = optim.AdamW(m, {lr = 0.01}), train = batches, val = batches,
                                     dir = scratch .. "/vit", log_every = 0}
            local metrics = tr:fit{epochs = 3}
            assert(metrics.accuracy and metrics.confusion:size(1) == 3)
            assert(tr.history.train[9].loss < tr.history.train[1].loss)
            assert(tostring(tr) == "Trainer(ViTForImageClassification, AdamW, 3 epochs, 9 steps)")
            assert(io.open(tr:save() .. "/config.json"))
            """, chunkName: "=[vit]")
        let scratch = try fixture.lua.evaluate("return scratch")[0]
        guard case .string(let folder) = scratch else { throw LuaMessageError("no scratch folder") }
        let loaded = try Models.load(directory: folder + "/vit/checkpoint")
        #expect(loaded.model.architecture == "ViTForImageClassification")
    }
}
