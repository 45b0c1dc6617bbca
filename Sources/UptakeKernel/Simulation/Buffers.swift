// Buffer pointers over several arrays at once, valid for one call: the
// kernel's hot loops read and write plain buffers, and these keep the
// `withUnsafe...BufferPointer` closures they need from nesting one per array.

/// Calls `body` with a buffer over each of `arrays`, in order; the buffers
/// are valid only during the call.
@inline(__always)
func withBuffers<Element, Result>(
    _ arrays: [[Element]],
    _ body: ([UnsafeBufferPointer<Element>]) -> Result
) -> Result {
    var buffers: [UnsafeBufferPointer<Element>] = []
    buffers.reserveCapacity(arrays.count)
    return pinning(arrays[...], into: &buffers, body)
}

private func pinning<Element, Result>(
    _ rest: ArraySlice<[Element]>, into buffers: inout [UnsafeBufferPointer<Element>],
    _ body: ([UnsafeBufferPointer<Element>]) -> Result
) -> Result {
    guard let first = rest.first else { return body(buffers) }
    return first.withUnsafeBufferPointer { buffer in
        buffers.append(buffer)
        return pinning(rest.dropFirst(), into: &buffers, body)
    }
}

/// Calls `body` with mutable buffers over `a` and `b`, valid only during the call.
@inline(__always)
func withMutableBuffers<A, B, Result>(
    _ a: inout [A], _ b: inout [B],
    _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>) -> Result
) -> Result {
    a.withUnsafeMutableBufferPointer { a in
        b.withUnsafeMutableBufferPointer { b in body(a, b) }
    }
}

/// Calls `body` with mutable buffers over `a`, `b` and `c`, valid only during the call.
@inline(__always)
func withMutableBuffers<A, B, C, Result>(
    _ a: inout [A], _ b: inout [B], _ c: inout [C],
    _ body: (
        UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>,
        UnsafeMutableBufferPointer<C>
    ) -> Result
) -> Result {
    a.withUnsafeMutableBufferPointer { a in
        withMutableBuffers(&b, &c) { b, c in body(a, b, c) }
    }
}
