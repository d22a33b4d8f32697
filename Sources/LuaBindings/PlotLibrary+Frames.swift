import Lua
import TensorCore

extension PlotLibrary {
    /// `plot.frames`: video frames side by side in one PNG, to look at what a model sees.
    static func registerFrames(_ library: LuaLibrary) {
        library.function(
            "frames", "plot.frames(frames, path[, {columns=, normalize=\"clip\"|\"imagenet\"}]) -> path",
            "Writes frames [T, 3, H, W] (or [3, H, W], [B, T, 3, H, W]) as a PNG contact sheet; "
                + "normalize= undoes that normalization, else values outside 0..1 are rescaled."
        ) { call in
            try call.expectAtMost(3)
            let frames = try call.tensor(at: 1)
            let path = try call.string(at: 2)
            let options = try call.options(at: 3, allowed: ["columns", "normalize"])
            let images = try call.blaming(1) { () -> Tensor in
                guard frames.rank >= 3, frames.shape[frames.rank - 3] == 3, frames.dtype.isFloatingPoint, frames.count > 0 else {
                    throw TensorError.shape("frames [T, 3, H, W] expected (float, RGB), got \(frames.dtype) \(frames.shape)")
                }
                let (h, w) = (frames.shape[frames.rank - 2], frames.shape[frames.rank - 1])
                return try frames.contiguous().reshaped([-1, 3, h, w]).converted(to: .float32)
            }
            let count = images.shape[0]
            let columns = try options.integer("columns") ?? min(count, 8)
            guard columns >= 1 else { throw LuaArgumentError(position: 3, message: "columns must be >= 1") }
            let statistics: (mean: [Double], std: [Double])?
            switch try options.choice("normalize", of: ["clip", "imagenet"]) {
            case "clip": statistics = ([0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711])
            case "imagenet": statistics = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
            default: statistics = nil
            }
            let sheet = contactSheet(images, columns: columns, statistics: statistics)
            try PNG.write(path: path, width: sheet.width, height: sheet.height, channels: 3, pixels: sheet.pixels)
            return call.push(path)
        }
    }

    /// Lays `images` `[N, 3, H, W]` out in rows of `columns` with a 4-pixel white border.
    /// Without `statistics` values are shown as they are when within 0…1, else rescaled from the
    /// tensor's smallest to its largest value.
    static func contactSheet(
        _ images: Tensor, columns: Int, statistics: (mean: [Double], std: [Double])?
    ) -> (width: Int, height: Int, pixels: [UInt8]) {
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let values = images.toArray(of: Float.self)
        let gap = 4, columns = min(columns, n), rows = (n + columns - 1) / columns
        let width = columns * (w + gap) + gap, height = rows * (h + gap) + gap
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        var low = 0.0, high = 1.0
        if statistics == nil, let lo = values.min(), let hi = values.max(), lo < 0 || hi > 1 {
            (low, high) = (Double(lo), Double(max(hi, lo + 1e-6)))
        }
        for image in 0..<n {
            let left = gap + (image % columns) * (w + gap), top = gap + (image / columns) * (h + gap)
            for channel in 0..<3 {
                let base = (image * 3 + channel) * h * w
                for y in 0..<h {
                    for x in 0..<w {
                        var v = Double(values[base + y * w + x])
                        if let statistics { v = v * statistics.std[channel] + statistics.mean[channel] }
                        v = (v - low) / (high - low)
                        pixels[((top + y) * width + left + x) * 3 + channel] = UInt8(min(max(v, 0), 1) * 255 + 0.5)
                    }
                }
            }
        }
        return (width, height, pixels)
    }
}
