import Foundation

/// Server-made line charts: a few series over shared x labels, as an inline SVG string
/// (no JavaScript, prints and works in any browser). Values are scaled to the largest one.
enum SVGChart {
    struct Series: Sendable { var name: String; var color: String; var values: [Double]; var dashed: Bool = false }

    static func lines(labels: [String], series: [Series], width: Int = 760, height: Int = 240, title: String) -> String {
        let left = 48.0, right = 12.0, top = 24.0, bottom = 36.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let count = max(labels.count, series.map(\.values.count).max() ?? 0)
        let maxValue = max(series.flatMap(\.values).filter(\.isFinite).max() ?? 0, 1)
        let top10 = Self.niceCeiling(maxValue)
        func x(_ i: Int) -> Double { left + (count <= 1 ? w / 2 : w * Double(i) / Double(count - 1)) }
        func y(_ v: Double) -> Double { top + h - h * min(max(v, 0), top10) / top10 }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" aria-label=\"\(Self.escape(title))\">"
        out += "<title>\(Self.escape(title))</title>"
        for step in 0...4 {
            let v = top10 * Double(step) / 4
            let yy = Self.f(y(v))
            out += "<line x1=\"\(Self.f(left))\" y1=\"\(yy)\" x2=\"\(Self.f(left + w))\" y2=\"\(yy)\" stroke=\"#e3e6ea\"/>"
            out += "<text x=\"\(Self.f(left - 6))\" y=\"\(yy)\" font-size=\"10\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#666\">\(Self.label(v))</text>"
        }
        let every = max(1, Int((Double(count) / 12).rounded(.up)))
        for (i, l) in labels.enumerated() where i % every == 0 {
            out += "<text x=\"\(Self.f(x(i)))\" y=\"\(Self.f(top + h + 14))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">\(Self.escape(l))</text>"
        }
        for (k, s) in series.enumerated() {
            let points = s.values.enumerated().filter { $0.element.isFinite }.map { "\(Self.f(x($0.offset))),\(Self.f(y($0.element)))" }
            if !points.isEmpty {
                out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "") points=\"\(points.joined(separator: " "))\"><title>\(Self.escape(s.name))</title></polyline>"
            }
            let lx = left + Double(k) * 150
            out += "<rect x=\"\(Self.f(lx))\" y=\"6\" width=\"12\" height=\"4\" fill=\"\(s.color)\"/>"
            out += "<text x=\"\(Self.f(lx + 16))\" y=\"11\" font-size=\"11\" fill=\"#333\">\(Self.escape(s.name))</text>"
        }
        return out + "</svg>"
    }

    static func niceCeiling(_ v: Double) -> Double {
        let magnitude = pow(10, floor(log10(v)))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= v { return m * magnitude }
        return 10 * magnitude
    }

    static func label(_ v: Double) -> String { v >= 100 || v == v.rounded() ? String(Int(v.rounded())) : String(format: "%.1f", v) }
    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
