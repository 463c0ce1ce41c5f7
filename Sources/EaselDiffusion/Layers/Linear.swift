import EaselTensor

/// A fully connected layer over the last axis (`torch.nn.Linear`).
public struct Linear: Sendable {
    public var weight: Tensor
    public var bias: Tensor?

    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// Loads `weight` [out, in] and `bias` [out] (when `bias`) from `loader`.
    public init(loading loader: WeightLoader, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        self.init(
            weight: try loader.load("weight", shape: [outFeatures, inFeatures]),
            bias: bias ? try loader.load("bias", shape: [outFeatures]) : nil)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}
