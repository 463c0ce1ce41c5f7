import EaselTensor

/// A 2-D convolution with its weights (`torch.nn.Conv2d`).
public struct Conv2D: Sendable {
    public var weight: Tensor
    public var bias: Tensor?
    public var stride: (Int, Int)
    public var padding: (Int, Int)

    public init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) {
        self.weight = weight
        self.bias = bias
        self.stride = (stride, stride)
        self.padding = (padding, padding)
    }

    /// Loads `weight` [out, in, k, k] and `bias` [out] (when `bias`) from `loader`.
    public init(
        loading loader: WeightLoader, inChannels: Int, outChannels: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0, bias: Bool = true
    ) throws {
        self.init(
            weight: try loader.load("weight", shape: [outChannels, inChannels, kernel, kernel]),
            bias: bias ? try loader.load("bias", shape: [outChannels]) : nil,
            stride: stride, padding: padding)
    }

    public var outChannels: Int { weight.shape[0] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
