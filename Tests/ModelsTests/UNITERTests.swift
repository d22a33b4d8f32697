import Foundation
import Models
import NN
import TensorCore
import Testing
import TestSupport

/// UNITER's two input layouts and its start from a BERT checkpoint.
@Suite struct UNITERTests {
    @Test func emberLayoutEqualsUNITERsGatherLayoutOnValidTokens() throws {
        // The reference case runs UNITER's compact layout; the same example in Ember's
        // [padded text | padded regions] layout gives the same pooled output and the same
        // hidden states at every valid position.
        let fixture = ModelFixture("uniter")
        let model = try fixture.model()
        let repo = try fixture.tensors("inputs")
        let (b, l) = (repo["input_ids"]!.shape[0], repo["input_ids"]!.shape[1])
        let k = repo["img_feat"]!.shape[1]
        let ids = repo["input_ids"]!.toArray(of: Int64.self)
        let textMask = try Tensor(shape: [b, l], scalars: ids.map { $0 == 0 ? Int64(0) : 1 })
        // Regions valid in the compact layout: attn_masks counts text + regions per row.
        let total = try repo["attn_masks"]!.converted(to: .float64).sum(axes: [1]).toArray(of: Double.self).map(
            Int.init)
        let textLengths = try textMask.converted(to: .float64).sum(axes: [1]).toArray(of: Double.self).map(Int.init)
        let regionMask = try Tensor(
            shape: [b, k], scalars: (0..<(b * k)).map { Int64($0 % k < total[$0 / k] - textLengths[$0 / k] ? 1 : 0) })
        let ember = ModelInput([
            "input_ids": repo["input_ids"]!, "attention_mask": textMask, "img_feat": repo["img_feat"]!,
            "img_pos_feat": repo["img_pos_feat"]!, "img_attention_mask": regionMask,
        ])
        let a = try noGrad { try model.forward(ModelInput(repo)) }, e = try noGrad { try model.forward(ember) }
        #expect(relativeError(e["pooler_output"]!, a["pooler_output"]!) < 1e-5)
        #expect(relativeError(e["itm_logits"]!, a["itm_logits"]!) < 1e-5)
        let gather = repo["gather_index"]!.toArray(of: Int64.self), n = repo["gather_index"]!.shape[1]
        for row in 0..<b {
            for position in 0..<total[row] {
                let compact = try a["last_hidden_state"]!.select(axis: 0, index: row).select(axis: 0, index: position)
                let source = Int(gather[row * n + position])  // index into [padded text | padded regions]
                let layout = try e["last_hidden_state"]!.select(axis: 0, index: row).select(axis: 0, index: source)
                #expect(relativeError(layout, compact) < 1e-5, "row \(row), position \(position)")
            }
        }
    }

    @Test func startsFromABertCheckpointReportingWhatItLacked() throws {
        let fixture = ModelFixture("bert-model")
        let bert = try Models.load(directory: fixture.directory).model
        let uniter = try UNITERModel(config: UNITERConfig(contentsOf: fixture.directory + "/config.json")).eval()
        let report = try uniter.loadCheckpoint(directory: fixture.directory, strict: false)
        #expect(report.unexpected.isEmpty)
        #expect(
            Set(report.missing)
                == Set(
                    uniter.namedParameters().map(\.name).filter {
                        $0.hasPrefix("uniter.img_embeddings.") || $0.hasPrefix("itm_output.")
                    }))
        #expect(throws: ModelError.self) { _ = try UNITERModel.load(directory: fixture.directory) }
        // Text alone through UNITER is BERT (its −10000 mask drops padding as exactly).
        let inputs = try fixture.tensors("inputs")
        let expected = try noGrad { try bert.forward(ModelInput(inputs)) }
        let actual = try noGrad { try uniter.forward(ModelInput(inputs)) }
        #expect(relativeError(actual["last_hidden_state"]!, expected["last_hidden_state"]!) < 1e-6)
        #expect(relativeError(actual["pooler_output"]!, expected["pooler_output"]!) < 1e-6)
    }

    @Test func loadsUNITERsBertInitCheckpoint() throws {
        // uniter-base-init.pt: the backbone under UNITER's BERT-init names (LayerNorm.gamma/beta,
        // float32 legacy torch.save), no image embeddings or heads.
        let initial = ModelFixture("uniter-init")
        let model = try UNITERModel(config: UNITERConfig(contentsOf: initial.directory + "/config.json"))
        let report = try model.loadCheckpoint(directory: initial.directory, strict: false)
        #expect(report.unexpected.isEmpty)
        #expect(
            !report.missing.isEmpty
                && report.missing.allSatisfy { $0.hasPrefix("uniter.img_embeddings.") || $0.hasPrefix("itm_output.") })
        let full = try ModelFixture("uniter").model().stateDict()
        for (name, value) in model.stateDict() where !report.missing.contains(name) {
            #expect(value.toArray(of: Float.self) == full[name]!.toArray(of: Float.self), "\(name)")
        }
    }

    @Test func classificationHeadIsUNITERsVQAHead() throws {
        let fixture = ModelFixture("uniter")
        var config = try UNITERConfig(contentsOf: fixture.directory + "/config.json")
        config.bert.labels = ClassLabels(count: 5)
        let model = try UNITERModel(config: config).eval()
        let report = try model.loadCheckpoint(directory: fixture.directory, strict: false)
        #expect(report.missing.allSatisfy { $0.hasPrefix("vqa_output.") } && report.missing.count == 6)
        var inputs = try fixture.tensors("inputs")
        inputs["labels"] = try Tensor(shape: [2], scalars: [Int64(4), 1])
        let out = try noGrad { try model.forward(ModelInput(inputs)) }
        let s = model.stateDict()
        let hidden = try out["pooler_output"]!.linear(weight: s["vqa_output.0.weight"]!, bias: s["vqa_output.0.bias"]!)
            .gelu()
        let normed = try hidden.layerNorm(
            [64], weight: s["vqa_output.2.weight"]!, bias: s["vqa_output.2.bias"]!, eps: 1e-12)
        let logits = try normed.linear(weight: s["vqa_output.3.weight"]!, bias: s["vqa_output.3.bias"]!)
        #expect(relativeError(out["logits"]!, logits) < 1e-6)
        #expect(relativeError(out["loss"]!, try Loss.crossEntropy(logits, inputs["labels"]!)) < 1e-6)
        // Soft VQA targets [B, C] take the binary cross-entropy, as UNITER's VQA training.
        inputs["labels"] = Tensor.rand([2, 5], generator: RandomGenerator(seed: 2))
        let soft = try noGrad { try model.forward(ModelInput(inputs))["loss"]! }
        #expect(relativeError(soft, try Loss.bceWithLogits(logits, inputs["labels"]!)) < 1e-6)
    }
}
