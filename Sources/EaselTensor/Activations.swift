import Foundation

/// Elementwise activations, as `torch.nn.functional`. Each returns a new tensor of the input's shape;
/// large tensors are split over the cores.

/// Which formula `gelu` uses, as the `approximate` argument of `torch.nn.functional.gelu`.
public enum GELUApproximation: Sendable {
    /// `0.5 x (1 + erf(x / √2))`: torch's default (`approximate="none"`), used by SD's GEGLU.
    case none
    /// `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`: `approximate="tanh"` (gelu_pytorch_tanh).
    case tanh
}

/// `torch.nn.functional.silu` (swish): `x * sigmoid(x)`.
public func silu(_ x: Tensor) -> Tensor {
    mapElements(x) { v in v / (1 + Foundation.exp(-v)) }
}

/// `torch.nn.functional.gelu(x, approximate=...)`.
public func gelu(_ x: Tensor, approximate: GELUApproximation = .none) -> Tensor {
    switch approximate {
    case .none:
        let invSqrt2: Float = 0.707_106_781_186_547_524_40
        return mapElements(x) { v in 0.5 * v * (1 + Foundation.erf(v * invSqrt2)) }
    case .tanh:
        let sqrt2OverPi: Float = 0.797_884_560_802_865_355_88
        return mapElements(x) { v in
            0.5 * v * (1 + Foundation.tanh(sqrt2OverPi * (v + 0.044_715 * v * v * v)))
        }
    }
}

/// CLIP's `quick_gelu` (transformers `QuickGELUActivation`): `x * torch.sigmoid(1.702 * x)`.
public func quickGELU(_ x: Tensor) -> Tensor {
    mapElements(x) { v in v / (1 + Foundation.exp(-1.702 * v)) }
}

/// `torch.nn.functional.relu`: `max(x, 0)`; NaN stays NaN, as in torch.
public func relu(_ x: Tensor) -> Tensor {
    mapElements(x) { v in v > 0 || v.isNaN ? v : 0 }
}

/// `torch.sigmoid`: `1 / (1 + exp(-x))`.
public func sigmoid(_ x: Tensor) -> Tensor {
    mapElements(x) { v in 1 / (1 + Foundation.exp(-v)) }
}

/// `f` applied to every element, in parallel chunks for large tensors.
@inline(__always)
func mapElements(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
    Tensor(shape: x.shape) { out in
        let output = UncheckedSendable(out)
        x.withUnsafeBufferPointer { input in
            let source = UncheckedSendable(input)
            Parallel.forEach(input.count, grain: 1 << 14) { range in
                for i in range { output.value[i] = f(source.value[i]) }
            }
        }
    }
}
