import Testing
import TensorCore
import TestSupport

/// Tests that raise an interrupt. Ctrl-C is process-wide, so scripts/test runs every
/// `InterruptTests` suite in a second `swift test` pass, apart from the tests it could hit.
@Suite struct InterruptTests {
    @Test func interruptStopsLongLoops() throws {
        InterruptLock.shared.withLock {
            Interrupt.request()
            defer { Interrupt.clear() }
            #expect(throws: TensorError.interrupted) { try Tensor.zeros([4, 2, 2]).matmul(Tensor.zeros([4, 2, 2])) }
        }
    }
}
