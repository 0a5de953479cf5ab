import Testing
@testable import Controller

/// The adapters' own series store: each series at zero from its creation, one per label set,
/// removable without a trace, and rendered in the text format the registry used.
@Suite struct AdapterSeriesStoreTests {
    private let labels = [("namespace", "ns"), ("eventsource_name", "es"), ("event_name", "example")]

    private func text(_ store: AdapterSeriesStore) -> String {
        var buffer: [UInt8] = []
        store.render(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func onlyAdaptersLabelSetsBelongHere() {
        #expect(AdapterSeriesStore.isAdapterSeries(labels))
        #expect(!AdapterSeriesStore.isAdapterSeries([("resource", "secrets")]))
        #expect(!AdapterSeriesStore.isAdapterSeries(labels + [("stream", "FOO")]))
    }

    @Test func seriesExistAtZeroFromCreationAndTheSameLabelsGetTheSameSeries() {
        let store = AdapterSeriesStore(millisecondBuckets: [1, 10])
        let sent = store.counter("argo_events_events_sent_total", labels)
        _ = store.gauge("redis_eventsource_connected", labels)
        _ = store.histogram("argo_events_event_processing_duration_milliseconds", labels)
        let rendered = text(store)
        #expect(rendered.contains("# TYPE argo_events_events_sent_total counter\n"))
        #expect(rendered.contains(#"argo_events_events_sent_total{namespace="ns",eventsource_name="es",event_name="example"} 0"#))
        #expect(rendered.contains(#"redis_eventsource_connected{namespace="ns",eventsource_name="es",event_name="example"} 0.0"#))
        #expect(rendered.contains(
            #"argo_events_event_processing_duration_milliseconds_bucket{namespace="ns",eventsource_name="es",event_name="example",le="+Inf"} 0"#))
        #expect(store.counter("argo_events_events_sent_total", labels) === sent)
    }

    @Test func valuesMoveAndARemovedSeriesIsGoneUntilMadeAgain() {
        let store = AdapterSeriesStore(millisecondBuckets: [1, 10])
        let sent = store.counter("argo_events_events_sent_total", labels)
        sent.increment(by: 3)
        let duration = store.histogram("argo_events_event_processing_duration_milliseconds", labels)
        duration.recordNanoseconds(5_000_000)
        let rendered = text(store)
        #expect(rendered.contains(#"event_name="example"} 3"#))
        #expect(rendered.contains(#"argo_events_event_processing_duration_milliseconds_bucket{namespace="ns",eventsource_name="es",event_name="example",le="1.0"} 0"#))
        #expect(rendered.contains(#"argo_events_event_processing_duration_milliseconds_bucket{namespace="ns",eventsource_name="es",event_name="example",le="10.0"} 1"#))
        #expect(rendered.contains(#"argo_events_event_processing_duration_milliseconds_sum{namespace="ns",eventsource_name="es",event_name="example"} 5.0"#))
        store.remove(sent.key)
        #expect(!text(store).contains("argo_events_events_sent_total{"))
        #expect(!text(store).contains("# TYPE argo_events_events_sent_total"))
        _ = store.counter("argo_events_events_sent_total", labels)
        #expect(text(store).components(separatedBy: "argo_events_events_sent_total{").count == 2)
    }

    @Test func labelValuesAreEscaped() {
        let store = AdapterSeriesStore(millisecondBuckets: [])
        _ = store.counter("c_total", [("namespace", "a\"b"), ("eventsource_name", "c\\d"), ("event_name", "e\nf")])
        #expect(text(store).contains(#"c_total{namespace="a\"b",eventsource_name="c\\d",event_name="e\nf"} 0"#))
    }
}
