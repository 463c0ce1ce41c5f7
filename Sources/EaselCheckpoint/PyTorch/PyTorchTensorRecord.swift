/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a view (offset, sizes, strides, in
/// elements) into a storage. Views are read as torch reads them: non-contiguous strides, storage
/// offsets and several tensors sharing one storage all work; the view is checked to lie inside its
/// storage when the pickle is read, so reading it later cannot go out of bounds.
struct PyTorchTensorRecord: Equatable {
    var storage: PyTorchStorageReference
    var dataType: TensorDataType
    var storageOffset: Int
    var shape: [Int]
    var strides: [Int]

    /// Largest element count of a view bigger than its storage (a broadcast): 64 MB as float32.
    static let maximumBroadcastElements = 1 << 24

    /// Validates the view against its storage.
    init(
        storage: PyTorchStorageReference, dataType: TensorDataType, storageOffset: Int, shape: [Int], strides: [Int]
    ) throws(PyTorchReadError) {
        guard shape.count == strides.count else {
            throw .invalid("a tensor has \(shape.count) sizes but \(strides.count) strides")
        }
        guard storageOffset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw .invalid("a tensor has a negative size, stride or storage offset (\(shape), \(strides), \(storageOffset))")
        }
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw .invalid("a tensor's sizes \(shape) overflow") }
            count = product
        }
        // Elements of the tensor's dtype that the storage holds, from its bytes: `_rebuild_tensor_v3`
        // names a dtype of its own, which may be wider than the storage's.
        let available = (storage.byteCount ?? 0) / dataType.byteSize
        // Broadcast views (stride 0) may have more elements than their storage; bound them so a few
        // hostile bytes cannot ask for terabytes when the tensor is read.
        guard count <= max(available, Self.maximumBroadcastElements) else {
            throw .invalid("a tensor of \(count) elements (sizes \(shape)) views a storage of \(available)")
        }
        if count > 0 {
            var last = storageOffset
            for (size, stride) in zip(shape, strides) {
                let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw .invalid("a tensor's view \(shape) / \(strides) overflows") }
                last = sum
            }
            guard last < available else {
                throw .invalid(
                    "a tensor view (offset \(storageOffset), sizes \(shape), strides \(strides)) reaches element \(last) of storage '\(storage.key)', which has \(available)")
            }
        } else if storageOffset > available {
            throw .invalid("a tensor's storage offset \(storageOffset) is past the end of storage '\(storage.key)' (\(available) elements)")
        }
        self.storage = storage
        self.dataType = dataType
        self.storageOffset = storageOffset
        self.shape = shape
        self.strides = strides
    }

    var elementCount: Int { shape.reduce(1, *) }

    /// Whether the elements lie one after another in row-major order (sizes of 1 may have any stride).
    var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }

    /// The bytes of the elements a view covers, from its first to its last element, relative to the
    /// storage's start (empty for an empty tensor).
    var byteSpan: Range<Int> {
        let size = dataType.byteSize
        guard elementCount > 0 else { return (storageOffset * size)..<(storageOffset * size) }
        let last = zip(shape, strides).reduce(storageOffset) { $0 + ($1.0 - 1) * $1.1 }
        return (storageOffset * size)..<((last + 1) * size)
    }

    /// The view's elements in row-major order, as stored bytes, gathered from `storageBytes` (the whole
    /// storage). Contiguous views are returned as a slice, without copying.
    func withElementBytes<R>(in storageBytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let span = byteSpan
        if isContiguous {
            return try body(UnsafeRawBufferPointer(rebasing: storageBytes[span]))
        }
        let size = dataType.byteSize
        let count = elementCount
        var gathered = [UInt8](repeating: 0, count: count * size)
        gathered.withUnsafeMutableBytes { out in
            // An odometer over the indices, innermost fastest; no recursion, whatever the rank. Wrapping
            // arithmetic: a size-1 axis may carry any stride, stepped onto and straight back off.
            var index = [Int](repeating: 0, count: shape.count)
            var offset = storageOffset
            for element in 0..<count {
                (out.baseAddress! + element * size).copyMemory(from: storageBytes.baseAddress! + offset * size, byteCount: size)
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    offset &+= strides[axis]
                    if index[axis] < shape[axis] { break }
                    offset &-= strides[axis] &* shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return try gathered.withUnsafeBytes { try body($0) }
    }
}
