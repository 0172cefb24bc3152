import Glibc

/// Small self-contained SVG charts for the run report: no script, no network, no library.
/// Every text is escaped; coordinates are computed here, so the browser only draws.
enum SVGChart {
    static let width = 720.0
    static let height = 280.0
    static let margin = (left: 70.0, right: 20.0, top: 20.0, bottom: 50.0)
    static let accent = "#3366cc"

    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func number(_ value: Double, digits: Int = 2) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(value)
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > digits + 1 {
            let rounded = (value * pow10(digits)).rounded() / pow10(digits)
            text = String(rounded)
        }
        return text
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 10 } }

    /// About five round tick values covering `low...high`.
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / 5
        var step = 1.0
        while step * 10 <= raw { step *= 10 }
        while step > raw { step /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where step * factor >= raw {
            step *= factor
            break
        }
        var value = (low / step).rounded(.down) * step
        var result: [Double] = []
        while value <= high + step * 1e-9 {
            if value >= low - step * 1e-9 { result.append(value) }
            value += step
        }
        return result
    }

    private static func frame(_ body: String, xLabel: String, yLabel: String, title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(number(width)) \(number(height))" width="\(number(width))" height="\(number(height))" role="img" aria-label="\(escape(title))">
        <rect x="0" y="0" width="\(number(width))" height="\(number(height))" fill="#fff"/>
        \(body)
        <text x="\(number((margin.left + width - margin.right) / 2))" y="\(number(height - 10))" text-anchor="middle" font-size="13">\(escape(xLabel))</text>
        <text x="16" y="\(number((margin.top + height - margin.bottom) / 2))" text-anchor="middle" font-size="13" transform="rotate(-90 16 \(number((margin.top + height - margin.bottom) / 2)))">\(escape(yLabel))</text>
        </svg>
        """
    }

    /// A line with points, `x` linear or logarithmic (base 2), `y` linear; each point labelled
    /// with its value if `labels`.
    static func line(
        _ points: [(x: Double, y: Double)], title: String, xLabel: String, yLabel: String, logX: Bool = false,
        labels: Bool = false, yFromZero: Bool = false
    ) -> String {
        guard !points.isEmpty else { return "<p>(no data)</p>" }
        let fx: (Double) -> Double = logX ? { log2(max($0, 1e-9)) } : { $0 }
        let xs = points.map { fx($0.x) }
        let ys = points.map(\.y)
        var xLow = xs.min()!, xHigh = xs.max()!
        if xLow == xHigh { xLow -= 1; xHigh += 1 }
        var yLow = yFromZero ? 0 : ys.min()!, yHigh = ys.max()!
        if yLow == yHigh { yLow -= 1; yHigh += 1 }
        let pad = (yHigh - yLow) * 0.08
        yHigh += pad
        if !yFromZero { yLow -= pad }
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        func px(_ x: Double) -> Double { margin.left + (x - xLow) / (xHigh - xLow) * plotWidth }
        func py(_ y: Double) -> Double { margin.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight }
        var body = axes(plotWidth: plotWidth, plotHeight: plotHeight)
        for tick in ticks(yLow, yHigh) {
            body += "<line x1=\"\(number(margin.left - 4))\" x2=\"\(number(margin.left + plotWidth))\" y1=\"\(number(py(tick)))\" y2=\"\(number(py(tick)))\" stroke=\"#e4e4e4\"/>"
            body += "<text x=\"\(number(margin.left - 8))\" y=\"\(number(py(tick) + 4))\" text-anchor=\"end\" font-size=\"11\">\(number(tick))</text>\n"
        }
        let xTicks: [(position: Double, label: String)] = logX
            ? points.map { (px(fx($0.x)), number($0.x)) }
            : ticks(xLow, xHigh).map { (px($0), number($0)) }
        for tick in xTicks {
            body += "<text x=\"\(number(tick.position))\" y=\"\(number(margin.top + plotHeight + 18))\" text-anchor=\"middle\" font-size=\"11\">\(escape(tick.label))</text>\n"
        }
        let path = points.map { "\(number(px(fx($0.x)))),\(number(py($0.y)))" }.joined(separator: " ")
        body += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(accent)\" stroke-width=\"2\"/>\n"
        if points.count <= 40 || labels {
            for point in points {
                body += "<circle cx=\"\(number(px(fx(point.x))))\" cy=\"\(number(py(point.y)))\" r=\"3.5\" fill=\"\(accent)\"/>"
                if labels {
                    body += "<text x=\"\(number(px(fx(point.x))))\" y=\"\(number(py(point.y) - 9))\" text-anchor=\"middle\" font-size=\"11\">\(number(point.y, digits: 3))</text>"
                }
                body += "\n"
            }
        }
        return frame(body, xLabel: xLabel, yLabel: yLabel, title: title)
    }

    /// Vertical bars with a label under each.
    static func bars(_ bars: [(label: String, value: Double)], title: String, xLabel: String, yLabel: String) -> String {
        guard !bars.isEmpty else { return "<p>(no data)</p>" }
        let high = max(bars.map(\.value).max()!, 1e-9) * 1.1
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        func py(_ y: Double) -> Double { margin.top + (1 - y / high) * plotHeight }
        var body = axes(plotWidth: plotWidth, plotHeight: plotHeight)
        for tick in ticks(0, high) {
            body += "<line x1=\"\(number(margin.left - 4))\" x2=\"\(number(margin.left + plotWidth))\" y1=\"\(number(py(tick)))\" y2=\"\(number(py(tick)))\" stroke=\"#e4e4e4\"/>"
            body += "<text x=\"\(number(margin.left - 8))\" y=\"\(number(py(tick) + 4))\" text-anchor=\"end\" font-size=\"11\">\(number(tick))</text>\n"
        }
        let slot = plotWidth / Double(bars.count)
        let every = max(1, bars.count / 24)
        for (index, bar) in bars.enumerated() {
            let x = margin.left + Double(index) * slot + slot * 0.15
            body += "<rect x=\"\(number(x))\" y=\"\(number(py(bar.value)))\" width=\"\(number(slot * 0.7))\" height=\"\(number(py(0) - py(bar.value)))\" fill=\"\(accent)\"><title>\(escape(bar.label)): \(number(bar.value))</title></rect>"
            if index % every == 0 {
                body += "<text x=\"\(number(x + slot * 0.35))\" y=\"\(number(margin.top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"10\">\(escape(bar.label))</text>"
            }
            body += "\n"
        }
        return frame(body, xLabel: xLabel, yLabel: yLabel, title: title)
    }

    /// Horizontal tracks of spans (a Gantt chart): one row per track, `spans` in seconds.
    static func timeline(
        tracks: [(name: String, spans: [(start: Double, end: Double, label: String, color: String)])], total: Double,
        title: String
    ) -> String {
        let rowHeight = 26.0
        let left = 130.0
        let chartHeight = margin.top + Double(tracks.count) * rowHeight + 40
        let plotWidth = width - left - margin.right
        let scale = plotWidth / max(total, 1e-9)
        var body = ""
        for (row, track) in tracks.enumerated() {
            let y = margin.top + Double(row) * rowHeight
            body += "<text x=\"\(number(left - 8))\" y=\"\(number(y + 17))\" text-anchor=\"end\" font-size=\"12\">\(escape(track.name))</text>\n"
            for span in track.spans {
                let x = left + span.start * scale
                let w = max(0.5, (span.end - span.start) * scale)
                body += "<rect x=\"\(number(x))\" y=\"\(number(y + 3))\" width=\"\(number(w))\" height=\"\(number(rowHeight - 6))\" fill=\"\(span.color)\" stroke=\"#fff\" stroke-width=\"0.5\"><title>\(escape(span.label)): \(number(span.end - span.start, digits: 3)) s</title></rect>\n"
            }
        }
        let axisY = margin.top + Double(tracks.count) * rowHeight + 4
        body += "<line x1=\"\(number(left))\" x2=\"\(number(left + plotWidth))\" y1=\"\(number(axisY))\" y2=\"\(number(axisY))\" stroke=\"#333\"/>\n"
        for tick in ticks(0, total) {
            body += "<text x=\"\(number(left + tick * scale))\" y=\"\(number(axisY + 16))\" text-anchor=\"middle\" font-size=\"11\">\(number(tick)) s</text>\n"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(number(width)) \(number(chartHeight))" width="\(number(width))" height="\(number(chartHeight))" role="img" aria-label="\(escape(title))">
            <rect x="0" y="0" width="\(number(width))" height="\(number(chartHeight))" fill="#fff"/>
            \(body)</svg>
            """
    }

    private static func axes(plotWidth: Double, plotHeight: Double) -> String {
        "<line x1=\"\(number(margin.left))\" x2=\"\(number(margin.left))\" y1=\"\(number(margin.top))\" y2=\"\(number(margin.top + plotHeight))\" stroke=\"#333\"/>"
            + "<line x1=\"\(number(margin.left))\" x2=\"\(number(margin.left + plotWidth))\" y1=\"\(number(margin.top + plotHeight))\" y2=\"\(number(margin.top + plotHeight))\" stroke=\"#333\"/>\n"
    }
}
