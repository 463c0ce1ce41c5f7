import EaselTensor

/// Group normalisation with affine parameters (`torch.nn.GroupNorm`).
public struct GroupNorm: Sendable {
    public var groups: Int
    public var epsilon: Float
    public var weight: Tensor
    public var bias: Tensor

    /// Loads `weight` and `bias` [channels] from `loader`.
    public init(loading loader: WeightLoader, groups: Int, channels: Int, epsilon: Float) throws {
        guard groups > 0, channels % groups == 0 else {
            throw WeightError.invalidConfiguration("\(channels) channels do not split into \(groups) groups")
        }
        self.groups = groups
        self.epsilon = epsilon
        weight = try loader.load("weight", shape: [channels])
        bias = try loader.load("bias", shape: [channels])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        groupNorm(x, groups: groups, weight: weight, bias: bias, epsilon: epsilon)
    }
}

/// Layer normalisation over the last axis with affine parameters (`torch.nn.LayerNorm`).
public struct LayerNorm: Sendable {
    public var epsilon: Float
    public var weight: Tensor
    public var bias: Tensor

    /// Loads `weight` and `bias` [features] from `loader`.
    public init(loading loader: WeightLoader, features: Int, epsilon: Float) throws {
        self.epsilon = epsilon
        weight = try loader.load("weight", shape: [features])
        bias = try loader.load("bias", shape: [features])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerNorm(x, weight: weight, bias: bias, epsilon: epsilon)
    }
}
