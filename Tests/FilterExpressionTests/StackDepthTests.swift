import FilterExpression
import Foundation
import Synchronization
import Testing

/// Adapters evaluate filters on threads with a 1 MiB stack (StreamAdapter). The deepest
/// expression the parser accepts must evaluate there, in a debug build too.
@Suite struct StackDepthTests {
    private static func evaluateOnSmallStack(_ source: String) throws -> FilterValue? {
        let program = try FilterProgram.parse(source)
        final class Box: Sendable {
            let result = Mutex<FilterValue?>(nil)
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let value = try? program.value(in: sampleEnvironment)
            box.result.withLock { $0 = value }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
        return box.result.withLock { $0 }
    }

    @Test func theDeepestPredicatesEvaluateOnAnAdaptersStack() throws {
        let depth = FilterProgram.maximumDepth / 2 - 1
        let source = String(repeating: "all([1], ", count: depth) + "true" + String(repeating: ")", count: depth)
        #expect(try Self.evaluateOnSmallStack(source) == .bool(true))
    }

    @Test func theDeepestOperatorsEvaluateOnAnAdaptersStack() throws {
        // A left-leaning chain builds the tallest tree the parser allows.
        let depth = FilterProgram.maximumDepth - 2
        let source = "0" + String(repeating: " + 1", count: depth)
        #expect(try Self.evaluateOnSmallStack(source) == .int(Int64(depth)))
        let nested = FilterProgram.maximumDepth / 2 - 1
        let parenthesized = String(repeating: "(1 + ", count: nested) + "1" + String(repeating: ")", count: nested)
        #expect(try Self.evaluateOnSmallStack(parenthesized) == .int(Int64(nested + 1)))
    }
}
