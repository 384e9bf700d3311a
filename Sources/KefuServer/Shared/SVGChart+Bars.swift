import Foundation

extension SVGChart {
    /// Horizontal stacked bars, one per label (long Chinese group names read across, and the
    /// chart stays legible at 390 px), each bar the series stacked left to right.
    static func stackedBars(labels: [String], series: [Series], width: Int = 760, title: String) -> String {
        let left = 120.0, right = 48.0, top = 28.0, rowHeight = 22.0
        let height = Int(top + rowHeight * Double(max(labels.count, 1)) + 8)
        let w = Double(width) - left - right
        let totals = labels.indices.map { i in series.reduce(0.0) { $0 + (i < $1.values.count && $1.values[i].isFinite ? max($1.values[i], 0) : 0) } }
        let scale = Self.niceCeiling(max(totals.max() ?? 0, 1))
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" aria-label=\"\(Self.escape(title))\">"
        out += "<title>\(Self.escape(title))</title>"
        for (k, s) in series.enumerated() {
            let lx = left + Double(k) * 150
            out += "<rect x=\"\(Self.f(lx))\" y=\"6\" width=\"12\" height=\"8\" fill=\"\(s.color)\"/>"
            out += "<text x=\"\(Self.f(lx + 16))\" y=\"14\" font-size=\"11\" fill=\"#333\">\(Self.escape(s.name))</text>"
        }
        for (i, label) in labels.enumerated() {
            let y = top + rowHeight * Double(i)
            out += "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(y + rowHeight / 2))\" font-size=\"11\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#333\">\(Self.escape(String(label.prefix(10))))</text>"
            var x = left
            for s in series {
                let v = i < s.values.count && s.values[i].isFinite ? max(s.values[i], 0) : 0
                let bw = w * v / scale
                if bw > 0 {
                    out += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y + 3))\" width=\"\(Self.f(bw))\" height=\"\(Self.f(rowHeight - 6))\" fill=\"\(s.color)\"><title>\(Self.escape(label))：\(Self.escape(s.name)) \(Self.label(v))</title></rect>"
                }
                x += bw
            }
            out += "<text x=\"\(Self.f(x + 4))\" y=\"\(Self.f(y + rowHeight / 2))\" font-size=\"10\" dominant-baseline=\"middle\" fill=\"#666\">\(Self.label(totals[i]))</text>"
        }
        return out + "</svg>"
    }
}
