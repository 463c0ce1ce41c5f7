import EaselTensor
import Testing

@Suite struct TensorTests {
    @Test func reshapeInfersOneExtent() {
        let t = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let r = t.reshaped([6, -1])
        #expect(r.shape == [6, 4])
        #expect(r.scalars == t.scalars)
    }

    @Test func negativeAxesCountFromTheEnd() {
        let t = Tensor(zeros: [1, 320, 8, 8])
        #expect(t.size(-1) == 8)
        #expect(t.size(1) == 320)
        #expect(t.normalizedAxis(-3) == 1)
    }

    @Test func parallelForEachCoversEveryIndexOnce() {
        var hits = [Int](repeating: 0, count: 10_001)
        hits.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            Parallel.forEach(buffer.count, grain: 7) { range in
                for i in range { out.value[i] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }
}
