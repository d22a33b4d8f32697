import Synchronization
import TensorCore

/// A picture Ember wrote: a chart (SVG and PNG) or a contact sheet (PNG).
public struct Picture: Sendable {
    /// An image format Ember writes.
    public enum Format: String, Sendable {
        case png, svg
    }

    /// One file of the picture.
    public struct File: Sendable {
        public let path: String
        public let format: Format
        /// The file's bytes, as written.
        public let bytes: [UInt8]

        public init(path: String, format: Format, bytes: [UInt8]) {
            self.path = path
            self.format = format
            self.bytes = bytes
        }
    }

    /// The same picture in each format written, in the order written.
    public let files: [File]
}

/// The one place where Plot writes picture files and announces them: charts (`plot.line`,
/// `plot.confusion`, `tr:plot`) and contact sheets (`plot.frames`) all come through here, so a
/// front end that observes it (the Jupyter kernel shows each picture inline) misses none.
public enum Pictures {
    private static let observers = Mutex<[Int: @Sendable (Picture) -> Void]>([:])
    private static let nextIdentifier = Atomic<Int>(0)

    /// Writes each file atomically, then tells every observer about the picture.
    /// - Returns: the paths written.
    @discardableResult
    public static func write(_ files: [Picture.File]) throws -> [String] {
        for file in files { try AtomicFile.write(file.bytes, to: file.path) }
        let picture = Picture(files: files)
        for observer in observers.withLock({ Array($0.values) }) { observer(picture) }
        return files.map(\.path)
    }

    /// Calls `observer` with every picture written from now on (on the writing thread) until the
    /// returned observation is cancelled or released.
    public static func observe(_ observer: @escaping @Sendable (Picture) -> Void) -> PictureObservation {
        let identifier = nextIdentifier.wrappingAdd(1, ordering: .relaxed).oldValue
        observers.withLock { $0[identifier] = observer }
        return PictureObservation(identifier: identifier)
    }

    fileprivate static func remove(_ identifier: Int) {
        _ = observers.withLock { $0.removeValue(forKey: identifier) }
    }
}

/// An observer registered with ``Pictures/observe(_:)``; it stops observing when cancelled or
/// released.
public final class PictureObservation: Sendable {
    private let identifier: Int

    fileprivate init(identifier: Int) { self.identifier = identifier }

    /// Stops the observer.
    public func cancel() { Pictures.remove(identifier) }

    deinit { cancel() }
}
