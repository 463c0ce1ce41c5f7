extension ControlNetConfig {
    /// The config of a ControlNet v1.1 single file, from the shapes `LDMSingleFile` read off its tensors, as
    /// diffusers' `create_controlnet_diffusers_config_from_ldm` builds it from the original YAML.
    ///
    /// What the shapes cannot tell takes the SD convention, as `UNet2DConditionConfig(inferred:)` does: heads
    /// (`attention_head_dim`), `norm_num_groups` 32; the channel order is RGB and residuals are not pooled (the
    /// v1.1 shuffle model, trained with `global_average_pooling`, needs `globalPoolConditions` set by the caller).
    /// A model that departs from them (a tiny test model, say) can set them afterwards.
    public init(inferred shape: InferredControlNetShape) {
        self.init()
        encoder.inChannels = shape.inChannels
        encoder.blockOutChannels = shape.blockOutChannels
        encoder.layersPerBlock = .int(shape.layersPerBlock)
        encoder.downBlockTypes = shape.downBlockTypes
        if let width = shape.crossAttentionDim { encoder.crossAttentionDim = .int(width) }
        encoder.transformerLayersPerBlock = .init(collapsing: shape.transformerLayersPerBlock)
        encoder.useLinearProjection = shape.useLinearProjection
        encoder.attentionHeadDim = .init(collapsing: shape.attentionHeadDim)
        encoder.normNumGroups = 32
        conditioningChannels = shape.conditioningChannels
        conditioningEmbeddingOutChannels = shape.conditioningEmbeddingOutChannels
    }
}
