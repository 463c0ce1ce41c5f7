extension ControlNetConfig {
    /// Throws `WeightError.invalidConfiguration` naming the setting when the config asks for something Easel does
    /// not build: an encoder setting `UNetEncoder` does not implement (the UNet's checks, on the encoder keys only),
    /// a BGR channel order, or conditioning-embedding sizes that do not form a network.
    public func validate() throws { _ = try levels() }

    /// The encoder's validated per-level values, after the ControlNet's own checks.
    func levels() throws -> UNetLevels {
        func refuse(_ message: String) -> WeightError { .invalidConfiguration("ControlNet config: " + message) }
        switch conditioningChannelOrder {
        case "rgb":
            break
        case "bgr":
            // diffusers flips such a ControlNet's condition images; Easel's annotators and pipelines give RGB and
            // silently flipping would hide a mismatched model.
            throw refuse("controlnet_conditioning_channel_order \"bgr\" is not supported (only \"rgb\"): "
                + "this ControlNet expects its condition images in BGR order")
        default:
            throw refuse("unknown controlnet_conditioning_channel_order \"\(conditioningChannelOrder)\" (only \"rgb\")")
        }
        guard conditioningChannels > 0 else {
            throw refuse("conditioning_channels is \(conditioningChannels), must be positive")
        }
        guard !conditioningEmbeddingOutChannels.isEmpty, conditioningEmbeddingOutChannels.allSatisfy({ $0 > 0 }) else {
            throw refuse("conditioning_embedding_out_channels \(conditioningEmbeddingOutChannels) must be one or more positive widths")
        }
        do {
            return try encoder.levels(encoderOnly: true)
        } catch WeightError.invalidConfiguration(let message) {
            // The UNet's checks name the setting; say whose config it is.
            let unetPrefix = "UNet config: "
            throw refuse(message.hasPrefix(unetPrefix) ? String(message.dropFirst(unetPrefix.count)) : message)
        }
    }

    /// How many times the condition image is larger than the latents: each step between two widths of
    /// `conditioning_embedding_out_channels` is a stride-2 convolution (8 for the published ControlNets).
    public var conditioningDownsamplingFactor: Int { 1 << max(conditioningEmbeddingOutChannels.count - 1, 0) }
}
