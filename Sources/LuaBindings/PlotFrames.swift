import Lua
import Media
import TensorCore

/// `plot.frames`: a PNG contact sheet of video frames, to look at what a model is fed.
enum PlotFrames {
    static func install(into lua: LuaState) {
        let plot = lua.library("plot", summary: "pictures of data and training: plot.frames")
        plot.function(
            "frames", "plot.frames(t, path[, {columns=, normalize=\"clip\"|\"imagenet\"|\"vit\"}]) -> path",
            "Writes a PNG contact sheet of frames [T, 3, H, W] (or [3, H, W], or gray [T, 1, H, W]), left to right "
                + "then top to bottom; normalize= undoes data.video's normalization."
        ) { call in
            try call.expectAtMost(3)
            let frames = try call.tensor(at: 1)
            let path = try call.string(at: 2)
            let options = try call.options(at: 3, allowed: ["columns", "normalize"])
            let normalization = try options.choice("normalize", of: ["clip", "imagenet", "vit"])
                .flatMap(Normalization.init(named:))
            let sheet = try ContactSheet(
                frames: frames, columns: options.integer("columns"),
                normalization: normalization)
            try PNG.write(path: path, width: sheet.width, height: sheet.height, channels: 3, pixels: sheet.pixels)
            return call.push(path)
        }
    }
}

/// Frames laid out on a grid with a 2-pixel dark border around each, as 8-bit RGB.
struct ContactSheet {
    static let gap = 2
    static let background: UInt8 = 32

    let width: Int
    let height: Int
    let pixels: [UInt8]

    /// - Parameters:
    ///   - frames: `[T, C, H, W]` or `[C, H, W]` with C = 3 (RGB) or 1 (gray), values in 0...1
    ///     after undoing `normalization`; values outside are clamped.
    ///   - columns: frames per row; up to 8 by default.
    init(frames: Tensor, columns: Int?, normalization: Normalization?) throws {
        let shape = frames.rank == 3 ? [1] + frames.shape : frames.shape
        guard shape.count == 4, shape[1] == 3 || shape[1] == 1, shape[0] >= 1, shape[2] >= 1, shape[3] >= 1 else {
            throw LuaArgumentError(
                position: 1,
                message: "frames [T, 3, H, W], [3, H, W] or [T, 1, H, W] expected, "
                    + "got shape \(frames.shape)")
        }
        let (count, channels, h, w) = (shape[0], shape[1], shape[2], shape[3])
        if let columns, columns < 1 {
            throw LuaArgumentError(position: 3, message: "option 'columns': must be ≥ 1, got \(columns)")
        }
        let perRow = min(columns ?? 8, count)
        let rows = (count + perRow - 1) / perRow
        width = perRow * (w + Self.gap) + Self.gap
        height = rows * (h + Self.gap) + Self.gap
        var pixels = [UInt8](repeating: Self.background, count: width * height * 3)
        let values = frames.toArray(of: Float.self)
        let plane = h * w
        for t in 0..<count {
            let left = Self.gap + (t % perRow) * (w + Self.gap), top = Self.gap + (t / perRow) * (h + Self.gap)
            for c in 0..<3 {
                let source = channels == 1 ? 0 : c
                let (mean, std) = normalization.map { ($0.mean[c], $0.std[c]) } ?? (0, 1)
                let base = (t * channels + source) * plane
                for y in 0..<h {
                    let row = ((top + y) * width + left) * 3 + c
                    for x in 0..<w {
                        let v = values[base + y * w + x] * std + mean
                        pixels[row + 3 * x] = v.isNaN ? 0 : UInt8((min(max(v, 0), 1) * 255).rounded())
                    }
                }
            }
        }
        self.pixels = pixels
    }
}
