import FoundationEssentials

/// Paths of committed fixtures, found from this file's location (no resource bundles needed).
public enum Fixtures {
    /// The repository root.
    public static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/TestSupport/Fixtures.swift
        return parts.joined(separator: "/")
    }()

    /// `Tests/Fixtures/<relative>`.
    public static func path(_ relative: String) -> String { root + "/Tests/Fixtures/" + relative }

    /// A fresh empty directory under the system temporary folder.
    public static func temporaryDirectory(_ name: String) throws -> String {
        let dir = "/tmp/ember-tests-\(name)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
