import TensorCore

extension Module {
    /// The module tree with parameter shapes and counts, as `print(m)` shows it. Runs of
    /// identical siblings (the layers of an encoder) are folded into one line.
    public func summary() -> String {
        var lines = [
            "\(typeName)\(summaryDetail.isEmpty ? "" : "(\(summaryDetail))")  \(formatCount(parameterCount())) parameters"
                + (parameterCount(trainableOnly: true) == parameterCount()
                    ? "" : ", \(formatCount(parameterCount(trainableOnly: true))) trainable")
        ]
        appendTree(into: &lines, indent: "")
        return lines.joined(separator: "\n")
    }

    private func appendTree(into lines: inout [String], indent: String) {
        let own = ownParameterLines()
        var items: [(label: String, module: Module?)] = own.map { ($0, nil) }
        var i = 0
        while i < children.count {
            let (name, m) = children[i]
            var j = i + 1
            while j < children.count, children[j].module.signature == m.signature { j += 1 }
            if j - i > 1 {
                let label =
                    "\(name)–\(children[j - 1].name): \(j - i) × \(m.typeName)  \(formatCount(m.parameterCount())) each"
                items.append((label, nil))
            } else {
                let detail = m.summaryDetail.isEmpty ? "" : "(\(m.summaryDetail))"
                items.append(("\(name): \(m.typeName)\(detail)  \(formatCount(m.parameterCount()))", m))
            }
            i = j
        }
        for (k, item) in items.enumerated() {
            let last = k == items.count - 1
            lines.append(indent + (last ? "└─ " : "├─ ") + item.label)
            item.module?.appendTree(into: &lines, indent: indent + (last ? "   " : "│  "))
        }
    }

    private func ownParameterLines() -> [String] {
        let direct = namedParameters().filter { !$0.name.contains(".") }
        return direct.map { "\($0.name) \($0.tensor.shape)\($0.tensor.requiresGrad ? "" : " (frozen)")" }
    }

    /// A structural fingerprint: type plus parameter names and shapes.
    private var signature: String {
        typeName + summaryDetail
            + namedParameters().map { "\($0.name)\($0.tensor.shape)\($0.tensor.requiresGrad)" }.joined()
    }
}

/// 22.7M, 384K, 1,536.
func formatCount(_ n: Int) -> String {
    if n >= 1_000_000 { return String(format1: Double(n) / 1e6) + "M" }
    if n >= 10_000 { return String(format1: Double(n) / 1e3) + "K" }
    return String(n)
}

extension String {
    /// One decimal place, without Foundation.
    init(format1 x: Double) {
        let tenths = Int((x * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
