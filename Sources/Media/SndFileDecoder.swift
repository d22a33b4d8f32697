import CSndFile
import TensorCore

/// An open libsndfile handle (`SNDFILE*`), closed in `deinit`.
final class SndFile {
    let handle: OpaquePointer
    let info: SF_INFO
    let path: String

    /// Opens `path` for reading; throws libsndfile's reason when it cannot.
    init(path: String) throws {
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            throw MediaError.file(path: path, reason: "libsndfile: \(String(cString: sf_strerror(nil)))")
        }
        self.handle = handle
        self.info = info
        self.path = path
    }

    deinit { sf_close(handle) }

    /// Throws when the header promises more sample data than the file holds.
    ///
    /// libsndfile reads what is there and only notes the shortfall in its log, as
    /// `data : 44100 (should be 16956)`. Streaming writers leave 0 or 0xFFFFFFFF as a placeholder
    /// size; those files are complete and pass.
    func checkComplete() throws {
        var log = [CChar](repeating: 0, count: 4096)
        _ = sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("data") {
            let numbers = line.split { !$0.isNumber }.compactMap { Int($0) }
            guard line.contains("should be"), numbers.count == 2 else { continue }
            let (declared, actual) = (numbers[0], numbers[1])
            if declared > actual && declared != 0 && declared < 0xFFFF_FFF0 {
                throw MediaError.file(
                    path: path,
                    reason:
                        "truncated: the header declares \(declared) bytes of samples, the file holds \(actual)")
            }
        }
    }

    /// Reads samples `[range.start, range.stop)` (frames at the file's rate) as float planes,
    /// the values `sf_readf_float` gives — the same library and call soundfile uses for float32.
    func read(range: (start: Int, stop: Int?)) throws -> PlanarAudio {
        let channels = Int(info.channels)
        let total = Int(info.frames)
        let first = min(range.start, total)
        let last = min(range.stop ?? total, total)
        if first > 0, sf_seek(handle, sf_count_t(first), SEEK_SET) < 0 {
            throw MediaError.file(
                path: path,
                reason: "libsndfile: cannot seek to sample \(first): "
                    + String(cString: sf_strerror(handle)))
        }
        var planes = [[Float]](repeating: [], count: channels)
        for c in 0..<channels { planes[c].reserveCapacity(max(0, last - first)) }
        let chunk = 8192
        var interleaved = [Float](repeating: 0, count: chunk * channels)
        var remaining = max(0, last - first)
        while remaining > 0 {
            try Interrupt.check()
            let want = min(chunk, remaining)
            let got = Int(
                interleaved.withUnsafeMutableBufferPointer {
                    sf_readf_float(handle, $0.baseAddress, sf_count_t(want))
                })
            if got <= 0 {
                throw MediaError.file(
                    path: path,
                    reason: "libsndfile: file ends after "
                        + "\(first + max(0, last - first) - remaining) of \(total) samples: "
                        + String(cString: sf_strerror(handle)))
            }
            for c in 0..<channels {
                for i in 0..<got { planes[c].append(interleaved[i * channels + c]) }
            }
            remaining -= got
        }
        return PlanarAudio(channels: planes, rate: Int(info.samplerate))
    }
}
