import TensorCore

/// The image preprocessing of Hugging Face's `ViTImageProcessor` and `CLIPImageProcessor` on
/// their PIL backend (MODELS.md §7.1): resize with Pillow's filter on 8-bit RGB, center crop,
/// rescale by 1/255, normalize — giving what `processor(images=…)["pixel_values"]` gives.
///
/// ```swift
/// let pixels = try ImageProcessor.clip.process(frames)   // shape [T, 3, 224, 224]
/// ```
public struct ImageProcessor: Sendable, Equatable {
    /// The `size` entry of `preprocessor_config.json`.
    public enum Size: Sendable, Equatable {
        /// Exactly `height × width` (`{"height": h, "width": w}`; ViT).
        case exact(height: Int, width: Int)
        /// The shorter side becomes `edge` and the longer `floor(edge · long / short)`
        /// (`{"shortest_edge": s}`; CLIP).
        case shortestEdge(Int)
    }

    /// Output size of the resize step; nil skips resizing (`do_resize=false`).
    public var size: Size?
    /// The Pillow filter of the resize step (`resample`: 2 bilinear, 3 bicubic).
    public var filter: ResampleFilter
    /// Center-crop window `(height, width)`; nil skips cropping (`do_center_crop=false`).
    public var cropSize: (height: Int, width: Int)?
    /// Multiplier applied to bytes (`rescale_factor`, 1/255); nil skips (`do_rescale=false`).
    public var rescaleFactor: Double?
    /// Per-channel `(x − mean) / std`; nil skips (`do_normalize=false`).
    public var normalization: Normalization?

    /// Creates a processor from the fields of a `preprocessor_config.json`.
    public init(
        size: Size?, filter: ResampleFilter, cropSize: (height: Int, width: Int)? = nil,
        rescaleFactor: Double? = 1.0 / 255.0, normalization: Normalization?
    ) {
        self.size = size
        self.filter = filter
        self.cropSize = cropSize
        self.rescaleFactor = rescaleFactor
        self.normalization = normalization
    }

    /// `google/vit-base-patch16-224`'s processor: 224×224 bilinear, mean and std 0.5.
    public static let vit = ImageProcessor(
        size: .exact(height: 224, width: 224), filter: .bilinear,
        normalization: .half)
    /// OpenAI CLIP's processor: shortest edge 224 bicubic, 224×224 center crop, CLIP statistics.
    public static let clip = ImageProcessor(
        size: .shortestEdge(224), filter: .bicubic,
        cropSize: (224, 224), normalization: .clip)

    /// Equal when every step is configured the same (tuples are not `Equatable`).
    public static func == (a: ImageProcessor, b: ImageProcessor) -> Bool {
        a.size == b.size && a.filter == b.filter && a.cropSize?.height == b.cropSize?.height
            && a.cropSize?.width == b.cropSize?.width && a.rescaleFactor == b.rescaleFactor
            && a.normalization == b.normalization
    }

    /// The resized and cropped 8-bit image, before rescaling.
    public func resizedAndCropped(_ image: RGBImage) throws -> RGBImage {
        var image = image
        switch size {
        case nil: break
        case .exact(let h, let w):
            image = try image.resized(width: w, height: h, filter: filter)
        case .shortestEdge(let edge):
            let (w, h) =
                image.width <= image.height
                ? (edge, edge * image.height / image.width) : (edge * image.width / image.height, edge)
            image = try image.resized(width: w, height: h, filter: filter)
        }
        if let crop = cropSize {
            guard crop.height <= image.height, crop.width <= image.width else {
                throw MediaError.invalidArgument(
                    "center crop \(crop.height)×\(crop.width) is larger "
                        + "than the resized \(image.height)×\(image.width) image")
            }
            image = try image.cropped(
                top: (image.height - crop.height) / 2,
                left: (image.width - crop.width) / 2,
                height: crop.height, width: crop.width)
        }
        return image
    }

    /// One image as float32 `[3, h, w]`.
    public func process(_ image: RGBImage) throws -> Tensor {
        let out = try process([image])
        return try out.reshaped(Array(out.shape.dropFirst()))
    }

    /// Images (the frames of a clip) as float32 `[T, 3, h, w]`; all must give the same size.
    public func process(_ images: [RGBImage]) throws -> Tensor {
        let ready = try images.map { image in
            try Interrupt.check()  // resizing a long clip takes a while; stop between frames
            return try resizedAndCropped(image)
        }
        return try Video.floatFrames(ready, tables: byteTables())
    }

    /// One 256-entry table per channel with numpy's arithmetic: the rescale in float64 then
    /// cast to float32, the normalization in float32.
    private func byteTables() -> [[Float]] {
        (0..<3).map { c in
            (0..<256).map { b in
                var x = rescaleFactor.map { Float(Double(b) * $0) } ?? Float(b)
                if let n = normalization { x = (x - n.mean[c]) / n.std[c] }
                return x
            }
        }
    }
}
