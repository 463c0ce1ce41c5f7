extension UNet2DConditionConfig {
    /// The config of an LDM single file's UNet, from the shapes `LDMSingleFile` read off its tensors, as diffusers'
    /// `create_unet_diffusers_config_from_ldm` builds it from the original YAML.
    ///
    /// What the shapes cannot tell takes the SD convention: heads (`attention_head_dim`, see
    /// `InferredUNetShape.attentionHeadDim`), `norm_num_groups` 32, `sample_size` 64 (SD 1.x and 512px SD 2.x;
    /// 768-v models use 96, which only changes a pipeline's default size) and `upcast_attention` false (no effect
    /// in float32). A model that departs from them (a tiny test model, say) can set them afterwards.
    public init(inferred shape: InferredUNetShape) {
        self.init()
        sampleSize = .int(64)
        inChannels = shape.inChannels
        outChannels = shape.outChannels
        blockOutChannels = shape.blockOutChannels
        layersPerBlock = .int(shape.layersPerBlock)
        downBlockTypes = shape.downBlockTypes
        upBlockTypes = shape.upBlockTypes
        if let width = shape.crossAttentionDim { crossAttentionDim = .int(width) }
        transformerLayersPerBlock = IntOrList(collapsing: shape.transformerLayersPerBlock)
        useLinearProjection = shape.useLinearProjection
        attentionHeadDim = IntOrList(collapsing: shape.attentionHeadDim)
        normNumGroups = 32
        timeEmbeddingDim = shape.timeEmbeddingDim == 4 * shape.blockOutChannels[0] ? nil : shape.timeEmbeddingDim
    }
}
