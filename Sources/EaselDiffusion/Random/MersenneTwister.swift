/// The 32-bit Mersenne Twister (MT19937) as `at::mt19937` in PyTorch's CPU generator runs it.
///
/// Seeding follows `at::mt19937(uint64_t seed)`: only the low 32 bits of the seed enter the state
/// (Knuth's initialisation, as `std::mt19937` and numpy's legacy `RandomState(seed)` do), and the first draw
/// regenerates the whole 624-word block.
struct MersenneTwister19937: Sendable {
    private static let stateSize = 624
    private static let shift = 397
    private var state: [UInt32]
    private var next = 0
    private var left = 1

    init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        self.state = state
    }

    /// The next tempered 32-bit output (`at::mt19937::operator()`).
    mutating func nextUInt32() -> UInt32 {
        left -= 1
        if left == 0 { regenerate() }
        var y = state[next]
        next += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// Twists the 624 words of state into the next block of outputs.
    private mutating func regenerate() {
        let n = Self.stateSize
        let m = Self.shift
        state.withUnsafeMutableBufferPointer { s in
            func mixed(_ upper: UInt32, _ lower: UInt32) -> UInt32 {
                let y = (upper & 0x8000_0000) | (lower & 0x7fff_ffff)
                return (y >> 1) ^ ((lower & 1) == 0 ? 0 : 0x9908_b0df)
            }
            for k in 0..<(n - m) { s[k] = s[k + m] ^ mixed(s[k], s[k + 1]) }
            for k in (n - m)..<(n - 1) { s[k] = s[k + m - n] ^ mixed(s[k], s[k + 1]) }
            s[n - 1] = s[m - 1] ^ mixed(s[n - 1], s[0])
        }
        left = n
        next = 0
    }
}
