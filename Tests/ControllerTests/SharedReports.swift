import Controller
import Synchronization

/// Adapter reports a test changes between scrapes, standing in for the controller's live set.
final class SharedReports: Sendable {
    private let value: Mutex<[AdapterReport]>

    init(_ reports: [AdapterReport]) {
        value = Mutex(reports)
    }

    var reports: [AdapterReport] {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
