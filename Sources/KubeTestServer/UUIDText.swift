import Foundation

enum UUIDText {
    static func random() -> String { UUID().uuidString.lowercased() }
}
