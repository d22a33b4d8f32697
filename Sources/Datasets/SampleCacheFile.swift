import Foundation
import Media
import TensorCore

/// What the cache keeps of a sample: the frames as 8-bit RGB, before the float conversion and
/// normalization (a quarter of the float32 size, and normalization can change without a
/// decode), and the voice as float32.
struct CachedSample {
    var frames: [RGBImage]?
    var voice: Tensor?
}

/// The cache's file format: a safetensors file with `frames` (U8 `[T, H, W, 3]`) and
/// `input_values` (F32 `[N]`), and the cache key in the metadata. TensorCore's writer knows
/// only tensor dtypes, so this one writes U8 itself; the files remain ordinary safetensors
/// that Python's `safetensors` reads.
enum SampleCacheFile {
    static let keyField = "ember.sample_cache.key"

    /// The file's bytes.
    static func encode(_ sample: CachedSample, key: String) throws -> [UInt8] {
        var entries: [String] = ["\"__metadata__\":{\(json(keyField)):\(json(key))}"]
        var data: [UInt8] = []
        if let frames = sample.frames, let first = frames.first {
            let shape = [frames.count, first.height, first.width, 3]
            entries.append(
                "\"frames\":{\"dtype\":\"U8\",\"shape\":\(shape),"
                    + "\"data_offsets\":[0,\(shape.reduce(1, *))]}")
            for frame in frames { data += frame.pixels }
        }
        if let voice = sample.voice {
            let floats = try voice.contiguous().withUnsafeBufferPointer(as: Float.self) { Array($0) }
            entries.append(
                "\"input_values\":{\"dtype\":\"F32\",\"shape\":[\(floats.count)],"
                    + "\"data_offsets\":[\(data.count),\(data.count + 4 * floats.count)]}")
            floats.withUnsafeBytes { data += $0 }  // little-endian, as the format stores it
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // data 8-byte aligned, as HF pads
        var length = UInt64(header.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + header + data
    }

    /// The sample in `bytes`, or nil when they are not a cache file for `key` (another key, a
    /// damaged or foreign file).
    static func decode(_ bytes: [UInt8], key: String) -> CachedSample? {
        guard bytes.count >= 8 else { return nil }
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length <= bytes.count - 8,
            let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any],
            (header["__metadata__"] as? [String: String])?[keyField] == key
        else { return nil }
        let data = bytes[(8 + length)...]
        func entry(_ name: String, dtype: String, size: Int) -> (shape: [Int], bytes: ArraySlice<UInt8>)? {
            guard let fields = header[name] as? [String: Any], fields["dtype"] as? String == dtype,
                let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int],
                offsets.count == 2, shape.allSatisfy({ $0 > 0 }), offsets[0] >= 0,
                offsets[1] - offsets[0] == shape.reduce(size, *), offsets[1] <= data.count
            else { return nil }
            return (shape, data[data.startIndex + offsets[0]..<data.startIndex + offsets[1]])
        }
        var sample = CachedSample()
        if header["frames"] != nil {
            guard let frames = entry("frames", dtype: "U8", size: 1), frames.shape.count == 4, frames.shape[3] == 3,
                let images = try? (0..<frames.shape[0]).map({ t in
                    let size = frames.shape[1] * frames.shape[2] * 3, start = frames.bytes.startIndex + t * size
                    return try RGBImage(
                        width: frames.shape[2], height: frames.shape[1],
                        pixels: Array(frames.bytes[start..<start + size]))
                })
            else { return nil }
            sample.frames = images
        }
        if header["input_values"] != nil {
            guard let voice = entry("input_values", dtype: "F32", size: 4), voice.shape.count == 1 else { return nil }
            let floats = [Float](unsafeUninitializedCapacity: voice.shape[0]) { out, count in
                voice.bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
                count = voice.shape[0]
            }
            sample.voice = try? Tensor(shape: voice.shape, scalars: floats)
        }
        return sample
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func json(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
