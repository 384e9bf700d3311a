import Foundation

extension SVGChart {
    /// A grid of counts (rows × columns) shaded from white to the brand blue by value, with
    /// each cell's count in its tooltip and printed when the cell is wide enough to hold it:
    /// calls by weekday and hour, where the busy hours of the week stand out at a glance.
    static func heatMap(rows: [String], columns: [String], values: [[Int]], width: Int = 760, title: String) -> String {
        let left = 44.0, right = 8.0, top = 8.0, bottom = 22.0
        let cell = (Double(width) - left - right) / Double(max(columns.count, 1))
        let rowHeight = 24.0
        let height = Int(top + rowHeight * Double(rows.count) + bottom)
        let maxValue = max(values.flatMap { $0 }.max() ?? 0, 1)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" aria-label=\"\(Self.escape(title))\">"
        out += "<title>\(Self.escape(title))</title>"
        for (r, label) in rows.enumerated() {
            let y = top + rowHeight * Double(r)
            out += "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(y + rowHeight / 2))\" font-size=\"11\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#333\">\(Self.escape(label))</text>"
            for (c, column) in columns.enumerated() {
                let v = r < values.count && c < values[r].count ? values[r][c] : 0
                let share = Double(v) / Double(maxValue)
                // White to #1f5fa8: dark cells get white text so the count stays readable.
                let red = Int(255 - (255 - 31) * share), green = Int(255 - (255 - 95) * share), blue = Int(255 - (255 - 168) * share)
                let x = left + cell * Double(c)
                out += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(cell - 1))\" height=\"\(Self.f(rowHeight - 1))\" fill=\"rgb(\(red),\(green),\(blue))\" stroke=\"#e3e6ea\" stroke-width=\"0.5\"><title>\(Self.escape(label)) \(Self.escape(column))：\(v)</title></rect>"
                if cell >= 26, v > 0 {
                    out += "<text x=\"\(Self.f(x + cell / 2))\" y=\"\(Self.f(y + rowHeight / 2))\" font-size=\"9\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"\(share > 0.55 ? "#fff" : "#222")\">\(v)</text>"
                }
            }
        }
        let every = cell >= 26 ? 1 : 3
        for (c, column) in columns.enumerated() where c % every == 0 {
            out += "<text x=\"\(Self.f(left + cell * (Double(c) + 0.5)))\" y=\"\(Self.f(top + rowHeight * Double(rows.count) + 14))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">\(Self.escape(column))</text>"
        }
        return out + "</svg>"
    }
}
