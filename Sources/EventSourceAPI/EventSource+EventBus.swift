extension EventSource {
    /// `spec.eventBusName`: the EventBus in the EventSource's namespace it publishes to when it
    /// has no `spec.sink`. Argo's default is `default`.
    public var eventBusName: String {
        guard let name = object["spec"]?["eventBusName"]?.stringValue, !name.isEmpty else { return "default" }
        return name
    }
}
