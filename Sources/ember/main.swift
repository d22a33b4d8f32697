// The `ember` executable: reads the environment (the only place that does), then hands over to
// the Notebook's command line. See `ember --help` and docs/REPL.md.
import Foundation
import Notebook
import TensorCore

let environment = ProcessInfo.processInfo.environment
let home = environment["HOME"] ?? NSHomeDirectory()
let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/share"
let dataDirectory = "\(dataHome)/ember"

// `ember --version`: one line per component.
let versionLines = {
    [
        "ember \(EmberVersion.version) (\(EmberVersion.lua))",
        "OpenBLAS kernel: \(BLAS.kernelDescription), \(Parallel.threadCount) threads",
    ]
}

let settings = EmberSettings(
    historyPath: environment["EMBER_HISTORY"] ?? "\(dataDirectory)/history",
    journalPath: environment["EMBER_JOURNAL"],
    dataDirectory: dataDirectory,
    interruptFlag: Interrupt.flag,
    versionLines: versionLines)
exit(EmberCommand.run(CommandLine.arguments, settings: settings))
