/// "1 layer", "12 layers", "3 classes": counts in model summaries.
func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    n == 1 ? "1 \(noun)" : "\(n) \(plural ?? noun + "s")"
}

/// "768 wide, 12 layers, 12 heads": the shape of a transformer encoder in summaries.
func encoderShape(width: Int, layers: Int, heads: Int) -> String {
    "\(width) wide, \(counted(layers, "layer")), \(counted(heads, "head"))"
}
