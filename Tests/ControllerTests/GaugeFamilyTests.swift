import Controller
import Testing

@Suite struct GaugeFamilyTests {
    private func rendered(_ family: GaugeFamily) -> String {
        var buffer: [UInt8] = []
        family.render(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func rendersHelpTypeAndSamples() {
        let family = GaugeFamily(
            name: "queue_depth", help: "Keys waiting.",
            samples: [.init(labels: [("queue", "main")], value: 3), .init(value: 0.25)])
        #expect(rendered(family) == "# HELP queue_depth Keys waiting.\n# TYPE queue_depth gauge\nqueue_depth{queue=\"main\"} 3\nqueue_depth 0.25\n")
    }

    @Test func escapesLabelValuesAndHelp() {
        let family = GaugeFamily(
            name: "g", help: "a\\b\nc", samples: [.init(labels: [("stream", "we\"ird\\name\nx"), ("b", "")], value: 1)])
        #expect(rendered(family) == "# HELP g a\\\\b\\nc\n# TYPE g gauge\ng{stream=\"we\\\"ird\\\\name\\nx\",b=\"\"} 1\n")
    }

    @Test func formatsSpecialValues() {
        let family = GaugeFamily(
            name: "g", help: "",
            samples: [.nan, .infinity, -.infinity, 1e20, -7].map { GaugeFamily.Sample(value: $0) })
        let values = rendered(family).split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").last.map(String.init) }
        #expect(values == ["NaN", "+Inf", "-Inf", "1e+20", "-7"])
    }
}
