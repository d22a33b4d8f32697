import Foundation
import Testing
import TensorCore
import Train

/// Metrics on hand-checked cases and against scikit-learn / torch (Tests/Fixtures/train/metrics.json).
@Suite struct MetricsTests {
    struct Reference: Decodable {
        var labels: [Int]
        var predictions: [Int]
        var classCount: Int
        var scores: [[Float]]
        var accuracy: Double
        var macroF1: Double
        var confusion: [[Int]]
        var topK: [String: Double]
        var similarity: [[Float]]
        var recallAtK: [String: Double]

        static func load() throws -> Reference {
            let url = OptimCase.directory.deletingLastPathComponent().appendingPathComponent("metrics.json")
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(Reference.self, from: try Data(contentsOf: url))
        }
    }

    func matrix(_ rows: [[Float]]) throws -> Tensor {
        try Tensor(shape: [rows.count, rows[0].count], scalars: rows.flatMap { $0 })
    }

    func ids(_ values: [Int]) throws -> Tensor {
        try Tensor(shape: [values.count], scalars: values.map(Int64.init))
    }

    @Test func matchesScikitLearn() throws {
        let r = try Reference.load()
        #expect(try Metrics.accuracy(predictions: r.predictions, labels: r.labels) == r.accuracy)
        #expect(abs(try Metrics.macroF1(predictions: r.predictions, labels: r.labels) - r.macroF1) < 1e-12)
        let confusion = try ConfusionMatrix(predictions: r.predictions, labels: r.labels, classCount: r.classCount)
        #expect(confusion.counts == r.confusion)
        let scores = try matrix(r.scores), labels = try ids(r.labels)
        for (k, expected) in r.topK {
            #expect(try Metrics.topKAccuracy(scores, labels: labels, k: Int(k)!) == expected, "top-\(k)")
        }
        let recall = try Metrics.recallAtK(try matrix(r.similarity), ks: [1, 5, 10])
        for (k, expected) in r.recallAtK {
            #expect(abs(recall[Int(k)!]! - expected) < 1e-6, "recall@\(k)")
        }
    }

    @Test func accuracyFromScoresOrIds() throws {
        // Row maxima at 1, 0, 2 (the first of the tied 0.5s in row 1): labels 1, 0, 0 → 2 of 3.
        let scores = try matrix([[0.1, 0.9, 0.0], [0.5, 0.5, 0.2], [0.0, 0.1, 0.3]])
        let labels = try ids([1, 0, 0])
        #expect(try Metrics.accuracy(scores, labels: labels) == 2.0 / 3)
        #expect(try Metrics.accuracy(try ids([1, 0, 2]), labels: labels) == 2.0 / 3)
        #expect(try Metrics.topKAccuracy(scores, labels: labels, k: 1) == 2.0 / 3)
        // Row 2's label 0 scores lowest: it ranks third, so top-2 still misses it.
        #expect(try Metrics.topKAccuracy(scores, labels: labels, k: 2) == 2.0 / 3)
        #expect(try Metrics.topKAccuracy(scores, labels: labels, k: 3) == 1)
    }

    @Test func macroF1AveragesOnlyClassesThatOccur() throws {
        // Class 0: TP 1, FN 1 → 2/(2+1) = 2/3. Class 1: TP 1, FP 1, FN 1 → 2/(2+2) = 1/2.
        // Class 2: only predicted → 0. Class 3 never occurs and is left out: (2/3 + 1/2 + 0) / 3.
        let f1 = try Metrics.macroF1(predictions: [0, 1, 1, 2], labels: [0, 0, 1, 1])
        #expect(abs(f1 - 7.0 / 18) < 1e-15)
        let m = try ConfusionMatrix(predictions: [0, 1, 1, 2], labels: [0, 0, 1, 1], classCount: 4)
        #expect(m.counts == [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
        #expect(m.f1(3) == 0)
        #expect(m.tensor.shape == [4, 4])
    }

    @Test func recallAtKOnAHandMadeMatrix() throws {
        // Query 0's match is the best; query 1's match ties item 0 (ties rank the lower index
        // first, so rank 1); query 2's match is the worst of three.
        let s = try matrix([[0.9, 0.1, 0.2], [0.5, 0.5, 0.1], [0.8, 0.7, 0.6]])
        #expect(try Metrics.retrievalRanks(s) == [0, 1, 2])
        #expect(try Metrics.recallAtK(s, ks: [1, 2, 3]) == [1: 1.0 / 3, 2: 2.0 / 3, 3: 1])
    }

    @Test func badInputIsAClearError() throws {
        #expect(throws: TensorError.shape("accuracy: 2 predictions for 3 labels")) {
            try Metrics.accuracy(predictions: [0, 1], labels: [0, 1, 1])
        }
        #expect(throws: TensorError.invalidArgument("accuracy: no samples")) {
            try Metrics.accuracy(predictions: [], labels: [])
        }
        #expect(throws: TensorError.self) { try ConfusionMatrix(predictions: [0, 3], labels: [0, 1], classCount: 2) }
        #expect(throws: TensorError.self) { try ConfusionMatrix(predictions: [0, -1], labels: [0, 1]) }
        #expect(throws: TensorError.self) {
            try Metrics.topKAccuracy(try matrix([[1, 2]]), labels: try ids([2]), k: 1)
        }
        #expect(throws: TensorError.self) { try Metrics.recallAtK(try matrix([[1], [2]]), ks: [1]) }
        #expect(throws: TensorError.self) { try Metrics.accuracy(Tensor.zeros([2, 2, 2]), labels: try ids([0, 1])) }
    }
}
