import Lua
import Media
import Plot
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
            let columns = try options.integer("columns")
            if let columns, columns < 1 {
                throw LuaArgumentError(position: 3, message: "option 'columns': must be ≥ 1, got \(columns)")
            }
            let sheet: ContactSheet
            do {
                sheet = try ContactSheet(
                    frames: frames, columns: columns, mean: normalization?.mean ?? [0, 0, 0],
                    std: normalization?.std ?? [1, 1, 1])
            } catch let error as TensorError {
                throw LuaArgumentError(position: 1, message: error.description)
            }
            try sheet.write(to: path)
            return call.push(path)
        }
    }
}
