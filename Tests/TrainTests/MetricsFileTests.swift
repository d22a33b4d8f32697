import Foundation
import TestSupport
import Testing
import Train

/// metrics.jsonl on a disk that takes no more bytes: the error says why.
@Suite struct MetricsFileTests {
    @Test func aFullDiskIsNamedInTheError() throws {
        let dir = try Fixtures.temporaryDirectory("metrics-full")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let metrics = try MetricsFile(directory: dir)
        try FileManager.default.createSymbolicLink(atPath: metrics.path, withDestinationPath: "/dev/full")
        do {
            try metrics.append("train", ["step": 1, "loss": 0.5])
            Issue.record("appended to /dev/full")
        } catch let error as TrainingError {
            #expect("\(error)" == "Trainer: cannot append to \(metrics.path): No space left on device")
        }
    }
}
