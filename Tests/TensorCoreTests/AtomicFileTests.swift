import Foundation
import TensorCore
import TestSupport
import Testing

/// AtomicFile: the target is either the old file or the whole new one, never a mix, and no
/// temporary file is left behind.
@Suite struct AtomicFileTests {
    func names(in dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

    @Test func replacesTheFileWhole() throws {
        let dir = try Fixtures.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("old\n", to: dir + "/a.txt")
        try AtomicFile.write([UInt8](repeating: 7, count: 100_000), to: dir + "/a.txt")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.txt")) == Data(repeating: 7, count: 100_000))
        #expect(try names(in: dir) == ["a.txt"])
    }

    @Test func aFailingWriterLeavesTheOldFile() throws {
        let dir = try Fixtures.temporaryDirectory("atomic-fail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("old\n", to: dir + "/a.txt")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: dir + "/a.txt") { write in
                try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try write($0) }
                throw Stop()
            }
        }
        #expect(try String(contentsOfFile: dir + "/a.txt", encoding: .utf8) == "old\n")
        #expect(try names(in: dir) == ["a.txt"])
    }

    @Test func aMissingFolderIsAnErrorNamingThePathAndTheReason() throws {
        let path = "/tmp/ember-no-such-folder-\(getpid())/a.txt"
        do {
            try AtomicFile.write("x", to: path)
            Issue.record("wrote \(path)")
        } catch let error as TensorError {
            #expect(error.description.hasPrefix(path + ": cannot create "), "\(error)")
            #expect(error.description.hasSuffix(": No such file or directory"), "\(error)")
        }
    }
}

/// AppendFile: whole records or nothing.
@Suite struct AppendFileTests {
    @Test func aRecordCutOffByACrashIsRemovedOnOpening() throws {
        let dir = try Fixtures.temporaryDirectory("append")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("one\ntwo\nthr", to: dir + "/log")
        let file = try AppendFile(path: dir + "/log")
        try file.append(Array("four\n".utf8))
        #expect(try String(contentsOfFile: dir + "/log", encoding: .utf8) == "one\ntwo\nfour\n")
    }

    @Test func aFullDiskIsAFailureWithTheReason() throws {
        let dir = try Fixtures.temporaryDirectory("append-full")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/log", withDestinationPath: "/dev/full")
        let file = try AppendFile(path: dir + "/log")
        #expect {
            try file.append(Array("record\n".utf8))
        } throws: { error in
            "\(error)" == "cannot append to \(dir)/log: No space left on device"
        }
    }
}
