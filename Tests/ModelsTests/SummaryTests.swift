import Models
import NN
import Testing

/// `print(m)` shows each model's tree: its shape on the first line, identical layers folded.
@Suite struct SummaryTests {
    @Test func modelsDescribeTheirShape() throws {
        let expected = [
            "vit-model": "ViTModel(32px/8, 32 wide, 2 layers, 4 heads)  22.9K parameters",
            "vit-classifier": "ViTForImageClassification(3 classes)  21.9K parameters",
            "clip-first-eos": "CLIPModel(16-d shared space)  32.3K parameters",
            "bert-seqcls": "BertForSequenceClassification(3 classes)  19.0K parameters",
            "uniter": "UNITERModel(32 wide, 2 layers, 4 heads, 20-d regions)  20.6K parameters",
        ]
        for (name, firstLine) in expected {
            let summary = try ModelFixture(name).model().summary()
            #expect(summary.split(separator: "\n").first.map(String.init) == firstLine, "\(name)")
        }
        let vit = try ModelFixture("vit-model").model().summary()
        #expect(vit.contains("└─ 0–1: 2 × ViTLayer  7504 each"))
        #expect(vit.contains("├─ position_embeddings [1, 17, 32]"))
        let fusion = try AudioCompositionTests.fusion(.concat).summary()
        #expect(fusion.hasPrefix("FusionModel(concat, 3 classes)"))
        #expect(fusion.contains("├─ vision: ViTModel(8px/4, 16 wide, 1 layer, 2 heads)"))
    }
}
