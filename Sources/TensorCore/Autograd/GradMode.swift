#if canImport(Glibc)
import Glibc
#endif

/// Whether operations record the autograd graph.
///
/// Recording is on by default; ``noGrad(_:)`` turns it off for a block (inference, optimizer
/// updates, the backward pass itself). The setting is per thread, as in PyTorch: a `noGrad`
/// block on one thread never stops another thread from recording its graph.
public enum GradMode {
    /// Per-thread depth of nested `noGrad` blocks, stored in the key's pointer bits.
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    private static var depth: Int {
        get { Int(bitPattern: pthread_getspecific(key)) }
        set { pthread_setspecific(key, UnsafeRawPointer(bitPattern: newValue)) }
    }

    /// Whether operations on this thread currently record the graph.
    public static var isEnabled: Bool { depth == 0 }

    static func disable() { depth += 1 }
    static func enable() { depth -= 1 }
}

/// Runs `body` without recording the autograd graph (PyTorch's `torch.no_grad()`).
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    GradMode.disable()
    defer { GradMode.enable() }
    return try body()
}
