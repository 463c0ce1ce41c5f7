import Dispatch
import Foundation

/// Splits loops over both cores (or however many the machine has).
///
/// The memory-bound ops (norms, softmax, im2col, elementwise) split their loops here, and `sgemm` splits large
/// products here too (OpenBLAS itself runs single-threaded); call `sgemm` from the calling thread, not from
/// inside a `forEach`.
public enum Parallel {
    /// Worker count: the active processor count, overridable with `EASEL_NUM_THREADS`.
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["EASEL_NUM_THREADS"], let n = Int(text), n > 0 {
            return n
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body` on disjoint subranges that cover `0..<count`, concurrently when the work is big
    /// enough. `grain` is the smallest subrange worth a thread of its own (in loop iterations).
    public static func forEach(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(threadCount, max(1, count / max(1, grain)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { box.value(start..<end) }
            }
        }
    }
}

/// Wraps a value that is safe to share across the threads of one `Parallel.forEach` call (a pointer to
/// disjoint slices of a buffer, a non-Sendable closure called synchronously) so Swift 6 accepts it.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
