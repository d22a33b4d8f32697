// Swift-side contracts of the nn library: every function and method is documented, and other
// bindings reach the Swift model behind a Lua value and run it on a Lua batch.
import Lua
import LuaBindings
import Testing

@Suite struct NNDocsTests {
    /// Every nn function and every Module method and property has a signature and a summary,
    /// for `?name`, `%help` and completion.
    @Test func everythingIsDocumented() throws {
        let fixture = try EmberFixture()
        let names = try fixture.run(
            """
            local names = {}
            for name in pairs(getmetatable(nn.Linear(1, 1)).__methods) do names[#names + 1] = "Module:" .. name end
            for name in pairs(nn) do names[#names + 1] = "nn." .. name end
            return names
            """)
        guard case .table(let list) = names.first else {
            Issue.record("no names")
            return
        }
        #expect(list.array.count > 35)
        for case .string(let name) in list.array {
            let doc = fixture.lua.docs.lookup(name)
            #expect(doc != nil, "\(name) has no doc")
            #expect(!(doc?.summary.isEmpty ?? true) && !(doc?.signature.isEmpty ?? true), "\(name)")
        }
        for name in ["nn", "Module", "Module.training", "Module.config", "Module[]", "Module.__call"] {
            #expect(fixture.lua.docs.lookup(name) != nil, "\(name) has no doc")
        }
    }
}

@Suite struct NNSeamTests {
    /// A fixture with `run_model(m, batch)`: a Swift function as the trainer would write one,
    /// getting the model with `call.model(at:)` and running it with `NNLibrary.forward`.
    static func fixture() throws -> EmberFixture {
        let fixture = try EmberFixture()
        fixture.lua.function("run_model", "run_model(m, batch) -> {output names}", "Test seam") { call in
            let model = try call.model(at: 1)
            let outputs = try NNLibrary.forward(model, batch: call.table(at: 2))
            return call.push(outputs.keys.sorted())
        }
        try fixture.run(
            """
            vit = nn.ViT{image_size = 16, patch_size = 8, hidden_size = 8, num_hidden_layers = 1,
                         num_attention_heads = 2, intermediate_size = 16, num_labels = 2}
            """)
        return fixture
    }

    @Test func swiftRunsTheModelOnALuaBatch() throws {
        let fixture = try Self.fixture()
        let keys = try fixture.run(
            """
            return table.concat(run_model(vit, {pixel_values = tensor.randn(2, 3, 16, 16), labels = tensor{0, 1},
                                                text = {"a", "b"}, id = {"x", "y"}, output_hidden_states = true}), " ")
            """)
        #expect(keys.first?.string == "hidden_states.0 hidden_states.1 logits loss")
    }

    @Test func errorsNameTheModelAndTheInput() throws {
        let fixture = try Self.fixture()
        #expect(
            fixture.error("run_model(nn.Linear(2, 2), {})")
                == "[1]:1: bad argument #1 to 'run_model' (model expected, got Linear)")
        #expect(
            fixture.error("run_model(5, {})") == "[1]:1: bad argument #1 to 'run_model' (model expected, got number)")
        #expect(
            fixture.error("run_model(vit, {pixel_values = 1})")
                == "[1]:1: ViTForImageClassification: input 'pixel_values' must be a Tensor, got number")
    }

    /// The Lua value holds the Swift module itself, so `LuaValue.object` casts to it.
    @Test func luaValuesHoldTheModule() throws {
        let fixture = try Self.fixture()
        guard case .object(let object)? = try fixture.run("return vit").first else {
            Issue.record("not an object")
            return
        }
        #expect(String(describing: type(of: object)) == "ViTForImageClassification")
    }
}
