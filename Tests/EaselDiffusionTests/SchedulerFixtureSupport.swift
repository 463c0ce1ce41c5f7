import EaselDiffusion
import EaselTensor
import EaselTestSupport
import Foundation

/// Replays stored noise tensors in order, standing in for the torch generator Euler a draws from.
struct FixtureRandomSource: RandomSource {
    let bank: Tensor
    var next = 0

    init(bank: Tensor) { self.bank = bank }

    mutating func normal(shape: [Int]) -> Tensor {
        let size = shape.reduce(1, *)
        let start = next * size
        next += 1
        return Tensor(shape: shape, scalars: Array(bank.scalars[start..<start + size]))
    }
}

/// The fake model of make_scheduler_fixtures.py: `0.1 * x + (float32(t) / 1000) * pattern`.
func fakeModel(_ x: Tensor, timestep: Float, pattern: Tensor) -> Tensor {
    x * Float(0.1) + pattern * (timestep / 1000)
}

/// Builds a fixture case's scheduler by its name in the fixture script.
func makeFixtureScheduler(_ name: String, config: SchedulerConfig, steps: Int) throws -> any Scheduler {
    switch name {
    case "ddim": return try SchedulerKind.ddim.make(config: config, steps: steps)
    case "pndm": return try SchedulerKind.pndm.make(config: config, steps: steps)
    case "euler": return try SchedulerKind.euler.make(config: config, steps: steps)
    case "euler_karras": return try SchedulerKind.euler.make(config: config, steps: steps, karras: true)
    case "euler_a": return try SchedulerKind.eulerAncestral.make(config: config, steps: steps)
    case "dpmpp_2m": return try SchedulerKind.dpmSolverMultistep.make(config: config, steps: steps)
    case "dpmpp_2m_karras": return try SchedulerKind.dpmSolverMultistep.make(config: config, steps: steps, karras: true)
    default: throw FixtureError.missingMetadata("scheduler \(name)")
    }
}

/// The largest distance in float32 units in the last place between two equally long arrays.
func maxULPDistance(_ a: [Float], _ b: [Float]) -> Int {
    guard a.count == b.count else { return .max }
    return zip(a, b).map { x, y in
        if x == y { return 0 }
        if x.sign != y.sign || !x.isFinite || !y.isFinite { return Int.max }
        return abs(Int(x.bitPattern) - Int(y.bitPattern))
    }.max() ?? 0
}

/// Splits a stacked [n, ...] tensor into its n slices.
func slices(_ stacked: Tensor) -> [Tensor] {
    let shape = Array(stacked.shape.dropFirst())
    let size = shape.reduce(1, *)
    return (0..<stacked.shape[0]).map { i in
        Tensor(shape: shape, scalars: Array(stacked.scalars[i * size..<(i + 1) * size]))
    }
}
