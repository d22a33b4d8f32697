import Datasets
import Testing
import TestSupport

/// Manifests in JSON Lines and CSV: fields, paths, class ids, ids and the errors of bad rows.
@Suite struct ManifestTests {
    @Test func sampleManifest() throws {
        let manifest = try Manifest(path: SampleData.manifest)
        #expect(manifest.entries.count == 200)
        #expect(manifest.classes == ["calculator", "clock", "eyes", "notes", "terminal"])
        let first = manifest.entries[0]
        #expect(first.video == "clips/clock_00.mp4" && first.audio == nil)
        #expect(first.start == 0 && first.stop == 3 && first.label == "clock" && first.line == 1)
        #expect(manifest.classID(of: first) == 1)
        #expect(manifest.resolve(first.video!) == Fixtures.root + "/examples/data/clips/clock_00.mp4")
        #expect(manifest.entries[3].audio == "clips/terminal_00.wav")
        #expect(Set(manifest.entries.map(\.id)).count == 200)
        #expect(manifest.skipped.isEmpty)
    }

    @Test func csvMatchesJSONL() throws {
        let dir = try Fixtures.temporaryDirectory("manifest-csv")
        let jsonl = try write(
            """
            {"video": "a.mp4", "audio": null, "start": 0.5, "stop": 2, "label": "b", "text": "say \\"hi\\", then go"}

            {"video": "/abs/c.mp4", "audio": "c.wav", "label": "a", "extra": [1, 2]}
            """, to: "m.jsonl", in: dir)
        let csv = try write(
            """
            video,audio,start,stop,label,text,extra\r
            a.mp4,, 0.5 ,2,b,"say ""hi"", then go",x\r

            /abs/c.mp4,c.wav,,,a,,"multi
            line"
            """, to: "m.csv", in: dir)
        let a = try Manifest(path: jsonl), b = try Manifest(path: csv)
        #expect(a.classes == ["a", "b"] && b.classes == ["a", "b"])
        #expect(a.entries.map(\.video) == b.entries.map(\.video))
        #expect(a.entries[0].text == "say \"hi\", then go" && b.entries[0].text == a.entries[0].text)
        #expect(b.entries[0].start == 0.5 && b.entries[0].stop == 2 && b.entries[0].audio == nil)
        #expect(a.entries.map(\.line) == [1, 3] && b.entries.map(\.line) == [2, 4])
        #expect(b.resolve("/abs/c.mp4") == "/abs/c.mp4" && b.resolve("c.wav") == dir + "/c.wav")
    }

    @Test func classOrderIsSortedNames() throws {
        func classes(_ labels: [String]) throws -> [String] {
            try Manifest(entries: labels.enumerated().map { ManifestEntry(line: $0 + 1, video: "v\($0)", label: $1) })
                .classes
        }
        #expect(try classes(["10", "2", "1", "2"]) == ["1", "2", "10"])
        #expect(try classes(["b", "B", "a", "é", "10"]) == ["10", "B", "a", "b", "é"])
    }

    @Test func integerLabelsInJSON() throws {
        let dir = try Fixtures.temporaryDirectory("manifest-int")
        let path = try write(
            "{\"video\": \"a.mp4\", \"label\": 3}\n{\"video\": \"b.mp4\", \"label\": 12}\n",
            to: "m.jsonl", in: dir)
        #expect(try Manifest(path: path).classes == ["3", "12"])
    }

    @Test func sharedPathsGetRangeIDs() throws {
        let m = try Manifest(entries: [
            ManifestEntry(line: 1, video: "a.mp4", start: 0, stop: 2),
            ManifestEntry(line: 2, video: "a.mp4", start: 2, stop: 4.5),
            ManifestEntry(line: 3, video: "b.mp4", id: "mine"),
        ])
        #expect(m.entries.map(\.id) == ["a.mp4@0-2", "a.mp4@2-4.5", "mine"])
    }

    static let badRows: [(row: String, reason: String)] = [
        (#"{"audio": null, "label": "x"}"#, "neither video nor audio"),
        (#"{"video": 3, "label": "x"}"#, "video must be a string, got the number 3"),
        (#"{"video": "a.mp4", "start": "soon", "label": "x"}"#, "start must be a number of seconds"),
        (#"{"video": "a.mp4", "start": true, "label": "x"}"#, "start must be a number of seconds, got a boolean"),
        (
            #"{"video": "a.mp4", "start": 2, "stop": 1, "label": "x"}"#,
            "bad time range: stop (1) must be after start (2)"
        ),
        (#"{"video": "a.mp4", "start": 1, "stop": 1, "label": "x"}"#, "bad time range"),
        (#"{"video": "a.mp4", "start": -1, "label": "x"}"#, "start must be a time ≥ 0"),
        (#"{"video": "a.mp4", "label": ["x"]}"#, "label must be a string, got an array"),
        (#"{"video": "a.mp4", "label": "x""#, "not valid JSON"),
        (#"["a.mp4", "x"]"#, "expected a JSON object"),
        (#"{"video": "a.mp4"}"#, "label is missing (other rows have labels)"),
    ]

    @Test(arguments: badRows)
    func badRowNamesFileAndLine(row: String, reason: String) throws {
        let dir = try Fixtures.temporaryDirectory("manifest-bad")
        let path = try write(#"{"video": "ok.mp4", "label": "x"}"# + "\n" + row + "\n", to: "m.jsonl", in: dir)
        let error = thrownError { _ = try Manifest(path: path) }
        #expect((error as? DatasetError)?.line == 2)
        #expect("\(error.map { "\($0)" } ?? "no error")".hasPrefix(path + ":2: "))
        #expect("\(error.map { "\($0)" } ?? "")".contains(reason))
    }

    @Test func skipLeavesBadRowsOutAndCountsThem() throws {
        let dir = try Fixtures.temporaryDirectory("manifest-skip")
        let rows =
            [#"{"video": "ok.mp4", "label": "x"}"#] + Self.badRows.map(\.row) + [#"{"video": "b.mp4", "label": "y"}"#]
        let path = try write(rows.joined(separator: "\n"), to: "m.jsonl", in: dir)
        let manifest = try Manifest(path: path, onError: .skip)
        #expect(manifest.entries.map(\.video) == ["ok.mp4", "b.mp4"])
        #expect(manifest.skipped.count == Self.badRows.count)
        #expect(manifest.skipped.map(\.line) == Array(2...Self.badRows.count + 1))
        #expect(manifest.classes == ["x", "y"])
    }

    @Test func badCSV() throws {
        let dir = try Fixtures.temporaryDirectory("manifest-badcsv")
        let cells = try write("video,label\na.mp4,x\nb.mp4,y,extra\n", to: "cells.csv", in: dir)
        #expect("\(thrownError { _ = try Manifest(path: cells) }!)" == cells + ":3: 3 cells, but the header has 2")
        let quote = try write("video,label\na.mp4,\"x\nb.mp4,y\n", to: "quote.csv", in: dir)
        #expect("\(thrownError { _ = try Manifest(path: quote) }!)" == quote + ":2: a quoted cell is never closed")
    }

    @Test func unreadableManifest() throws {
        let missing = "/nonexistent/ember/m.jsonl"
        #expect(
            "\(thrownError { _ = try Manifest(path: missing) }!)" == missing
                + ": cannot open: No such file or directory")
        let dir = try Fixtures.temporaryDirectory("manifest-empty")
        let empty = try write("\n\n", to: "m.jsonl", in: dir)
        #expect("\(thrownError { _ = try Manifest(path: empty) }!)" == empty + ": no rows")
    }
}
