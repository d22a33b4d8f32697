extension Drawing {
    /// The drawing as an SVG document. Text uses a sans-serif face sized so its capitals are as
    /// tall as the pixel font's; polylines are clipped to their rectangle.
    func svg() -> String {
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">

            """
        var clips: [Rect] = []
        var gradients = 0
        for item in items {
            switch item {
            case .gradient(let r, let stops):
                let offsets = stops.enumerated().map { k, c in
                    "<stop offset=\"\(n(Double(k) / Double(max(stops.count - 1, 1))))\" stop-color=\"\(c.hexString)\"/>"
                }
                out +=
                    "<linearGradient id=\"shade\(gradients)\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">\(offsets.joined())</linearGradient>\n"
                out +=
                    "<rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\" fill=\"url(#shade\(gradients))\"/>\n"
                gradients += 1
            case .rect(let r, let fill):
                out +=
                    "<rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\" fill=\"\(fill.hexString)\"/>\n"
            case .polyline(let points, let color, let width, let clip):
                var id = clips.firstIndex(of: clip)
                if id == nil {
                    id = clips.count
                    clips.append(clip)
                    out +=
                        "<clipPath id=\"clip\(id!)\"><rect x=\"\(n(clip.x))\" y=\"\(n(clip.y))\" width=\"\(n(clip.width))\" height=\"\(n(clip.height))\"/></clipPath>\n"
                }
                let path = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
                out +=
                    "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\" clip-path=\"url(#clip\(id!))\"/>\n"
            case .circle(let c, let radius, let fill):
                out += "<circle cx=\"\(n(c.x))\" cy=\"\(n(c.y))\" r=\"\(n(radius))\" fill=\"\(fill.hexString)\"/>\n"
            case .text(let s, let at, let size, let color, let anchor, let vertical, let bold):
                let anchorName =
                    switch anchor {
                    case .start: "start"
                    case .middle: "middle"
                    case .end: "end"
                    }
                // A sans-serif capital is about 0.72 em tall; the pixel font's is 7 pixels per size.
                let fontSize = Double(PixelFont.ascent * size) / 0.72
                let turn = vertical ? " transform=\"rotate(-90 \(n(at.x)) \(n(at.y)))\"" : ""
                let weight = bold ? " font-weight=\"bold\"" : ""
                out +=
                    "<text x=\"\(n(at.x))\" y=\"\(n(at.y))\" font-size=\"\(n(fontSize))\" fill=\"\(color.hexString)\" text-anchor=\"\(anchorName)\"\(weight)\(turn)>\(escaped(s))</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    private func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    private func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
