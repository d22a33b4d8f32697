import TensorCore

/// The pixel input of a vision tower: an image batch `[B, C, H, W]`, or a video batch
/// `[B, T, C, H, W]` whose frames run through the tower as one batch of `B·T` images.
///
/// Video rule: per-frame outputs come back as `[B, T, …]`, and a pooled embedding is the mean
/// over the T frames of the per-frame pooled embeddings (so a one-frame video equals the image).
struct VisionInput {
    /// `[B·T, C, H, W]` (T = 1 for images).
    let images: Tensor
    let batch: Int
    /// The number of frames, or nil for an image batch.
    let frames: Int?

    init(pixelValues x: Tensor, channels: Int, imageSize: Int, model: String) throws {
        guard x.dtype.isFloatingPoint else {
            throw ModelError.input("\(model): pixel_values must be a float tensor, got \(x.dtype)")
        }
        guard x.rank == 4 || x.rank == 5 else {
            throw ModelError.input(
                "\(model): pixel_values must be [B, \(channels), H, W] or a video [B, T, \(channels), H, W], got \(x.shape)"
            )
        }
        let image = Array(x.shape.suffix(3))
        guard image == [channels, imageSize, imageSize] else {
            throw ModelError.input(
                "\(model): each image must be [\(channels), \(imageSize), \(imageSize)] (num_channels, image_size), got \(image) in pixel_values \(x.shape)"
            )
        }
        let x32 = x.dtype.isComputeFloat ? x : x.converted(to: .float32)
        batch = x.shape[0]
        frames = x.rank == 5 ? x.shape[1] : nil
        images = x.rank == 5 ? try x32.reshaped([-1] + image) : x32
    }

    /// `[B·T, …]` → `[B, T, …]` for a video; unchanged for images.
    func perFrame(_ x: Tensor) throws -> Tensor {
        guard let frames else { return x }
        return try x.reshaped([batch, frames] + x.shape.dropFirst())
    }

    /// `[B·T, D]` → `[B, D]`: the mean over frames for a video; unchanged for images.
    func pooled(_ x: Tensor) throws -> Tensor {
        guard let frames else { return x }
        return try x.reshaped([batch, frames] + x.shape.dropFirst()).mean(axes: [1])
    }
}
