import EaselTensor
import EaselTestSupport
import Testing

/// The broadcasting operators against `torch.add/sub/mul/div` (fixture broadcasting.safetensors): same
/// shape, [N, C, H, W] with [1, C, 1, 1] and with [N, C, 1, 1] (the time-embedding add), [B, L, C] * [C],
/// trailing 2-D blocks, outer products ([3, 1, 5] + [4, 1], [4, 1] - [3]), a broadcast middle axis, a
/// smaller left operand, and scalars on either side.
@Suite struct BroadcastingTests {
    /// One float operation per element, rounded once, exactly as the float64 reference rounded to float32.
    static let tolerance: Float = 0

    @Test func operatorsMatchTorch() throws {
        let cases = try OpCases("broadcasting")
        let names = try cases.names
        #expect(names.count == 15)
        for name in names {
            let x = try cases.tensor(name, "x"), y = try cases.tensor(name, "y")
            let op = try cases.string(name, "op")
            let out: Tensor
            if y.rank == 0 {
                out = apply(op, x, y.scalars[0])
            } else if x.rank == 0 {
                out = apply(op, x.scalars[0], y)
            } else {
                out = apply(op, x, y)
            }
            let error = maxRelativeError(out, try cases.tensor(name, "out"))
            report("broadcasting", name, error)
            #expect(error <= Self.tolerance, "\(name)")
        }
    }

    /// The compound forms write the same values into the left operand, wherever the right side
    /// broadcasts to the left side's shape.
    @Test func inPlaceFormsMatchTorch() throws {
        let cases = try OpCases("broadcasting")
        var checked = 0
        for name in try cases.names {
            let x = try cases.tensor(name, "x"), y = try cases.tensor(name, "y")
            let expected = try cases.tensor(name, "out")
            guard expected.shape == x.shape else { continue }
            var z = x
            switch (try cases.string(name, "op"), y.rank == 0) {
            case ("add", false): z += y
            case ("sub", false): z -= y
            case ("mul", false): z *= y
            case ("div", false): z /= y
            case ("add", true): z += y.scalars[0]
            case ("sub", true): z -= y.scalars[0]
            case ("mul", true): z *= y.scalars[0]
            default: z /= y.scalars[0]
            }
            #expect(maxRelativeError(z, expected) <= Self.tolerance, "\(name) in place")
            checked += 1
        }
        #expect(checked == 10)
    }

    /// Large same-shape and per-channel operands are split over the cores; the result must not depend on it.
    @Test func parallelPathsMatchSerialArithmetic() {
        let x = Tensor(shape: [2, 64, 32, 32]) { b in for i in b.indices { b[i] = Float(i % 977) * 0.01 } }
        let bias = Tensor(shape: [1, 64, 1, 1]) { b in for i in b.indices { b[i] = Float(i) * 0.5 } }
        let sum = x + bias
        #expect(sum.scalars.indices.allSatisfy { i in sum.scalars[i] == x.scalars[i] + Float((i / 1024) % 64) * 0.5 })
        let product = x * x
        #expect(product.scalars == x.scalars.map { $0 * $0 })
    }

    @Test func negationAndScalarForms() {
        let x = Tensor(shape: [2, 3], scalars: [1, -2, 0, 4, -0.5, 8])
        #expect((-x).scalars == [-1, 2, -0.0, -4, 0.5, -8])
        #expect((2 * x).scalars == (x * 2).scalars)
        #expect((1 + x).scalars == (x + 1).scalars)
    }

    private func apply(_ op: String, _ a: Tensor, _ b: Tensor) -> Tensor {
        switch op {
        case "add": a + b
        case "sub": a - b
        case "mul": a * b
        default: a / b
        }
    }

    private func apply(_ op: String, _ a: Tensor, _ b: Float) -> Tensor {
        switch op {
        case "add": a + b
        case "sub": a - b
        case "mul": a * b
        default: a / b
        }
    }

    private func apply(_ op: String, _ a: Float, _ b: Tensor) -> Tensor {
        switch op {
        case "add": a + b
        case "sub": a - b
        case "mul": a * b
        default: a / b
        }
    }
}
