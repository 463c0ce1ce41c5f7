/// Recognises Stable Diffusion networks in a set of tensors from their key names and shapes.
///
/// Each network is found by an anchor key whose prefix marks where it lives, so the same rules read a
/// diffusers component file (prefix ""), a single-file checkpoint (`model.diffusion_model.`,
/// `first_stage_model.`, `cond_stage_model.transformer.`), SDXL's `conditioner.embedders.N.` and
/// ControlNet v1.1 files (`control_model.` or none). Key names follow diffusers'
/// `loaders/single_file_utils.py` and REFERENCE.md section 4:
///
/// | network | diffusers anchor | original (LDM) anchor |
/// | --- | --- | --- |
/// | UNet | `time_embedding.linear_1.weight` + `conv_in.weight` | `time_embed.0.weight` + `input_blocks.0.0.weight` |
/// | ControlNet | `controlnet_cond_embedding.conv_in.weight` | `input_hint_block.0.weight` |
/// | VAE | `decoder.conv_in.weight` / `encoder.conv_in.weight` with `*.down_blocks.*` / `*.up_blocks.*` | the same with `*.down.*` / `*.up.*` |
/// | CLIP text | `embeddings.token_embedding.weight` (transformers, with or without `text_model.`) | `token_embedding.weight` + `positional_embedding` (OpenCLIP) |
///
/// The family comes from shapes: cross-attention width 768 is SD 1.x, 1024 SD 2.x, 2048 with the
/// additional (size/crop) embedding SDXL, 1280 with it the SDXL refiner; `conv_in` input channels 9
/// mean an inpainting model.
public enum ModelIdentifier {
    /// The networks found in `tensors` (keyed by name), ordered UNet, ControlNet, VAE, text encoders.
    public static func identify(_ tensors: [String: TensorInfo]) -> [ModelIdentification] {
        let catalog = Catalog(tensors)
        var found: [ModelIdentification] = []
        for prefix in catalog.prefixes(ofAnchor: "controlnet_cond_embedding.conv_in.weight") {
            found.append(unetLike(.controlNet, .diffusers, prefix, catalog))
        }
        for prefix in catalog.prefixes(ofAnchor: "input_hint_block.0.weight") {
            found.append(unetLike(.controlNet, .ldm, prefix, catalog))
        }
        for prefix in catalog.prefixes(ofAnchor: "time_embedding.linear_1.weight")
        where catalog.has(prefix + "conv_in.weight") && !catalog.has(prefix + "controlnet_cond_embedding.conv_in.weight") {
            found.append(unetLike(.unet, .diffusers, prefix, catalog))
        }
        for prefix in catalog.prefixes(ofAnchor: "time_embed.0.weight")
        where catalog.has(prefix + "input_blocks.0.0.weight") && !catalog.has(prefix + "input_hint_block.0.weight") {
            found.append(unetLike(.unet, .ldm, prefix, catalog))
        }
        let vaePrefixes = Set(catalog.prefixes(ofAnchor: "decoder.conv_in.weight") + catalog.prefixes(ofAnchor: "encoder.conv_in.weight"))
        for prefix in vaePrefixes.sorted() {
            if let vae = vae(prefix, catalog) { found.append(vae) }
        }
        for prefix in catalog.prefixes(ofAnchor: "embeddings.token_embedding.weight") {
            found.append(transformersCLIP(prefix, catalog))
        }
        for prefix in catalog.prefixes(ofAnchor: "token_embedding.weight")
        where !prefix.hasSuffix("embeddings.") && catalog.has(prefix + "positional_embedding") {
            found.append(openCLIP(prefix, catalog))
        }
        let order: [ModelIdentification.Architecture] = [.unet, .controlNet, .vae, .clipTextEncoder]
        return found.sorted {
            (order.firstIndex(of: $0.architecture) ?? 0, $0.keyPrefix) < (order.firstIndex(of: $1.architecture) ?? 0, $1.keyPrefix)
        }
    }

    /// UNets and ControlNets share their encoder half, so the same facts describe both.
    private static func unetLike(
        _ architecture: ModelIdentification.Architecture, _ layout: ModelIdentification.Layout, _ prefix: String, _ catalog: Catalog
    ) -> ModelIdentification {
        var id = catalog.identification(architecture, layout, prefix)
        let convIn = catalog.shape(prefix + (layout == .diffusers ? "conv_in.weight" : "input_blocks.0.0.weight"))
        if let convIn, convIn.count == 4 {
            id.width = convIn[0]
            id.inChannels = convIn[1]
        }
        if architecture == .controlNet {
            let hint = catalog.shape(prefix + (layout == .diffusers ? "controlnet_cond_embedding.conv_in.weight" : "input_hint_block.0.weight"))
            if let hint, hint.count == 4 { id.conditioningChannels = hint[1] }
        }
        if let toK = catalog.firstShape(under: prefix, endingWith: "attn2.to_k.weight"), toK.count == 2 {
            id.crossAttentionDim = toK[1]
        }
        if let projIn = catalog.firstShape(under: prefix, endingWith: "proj_in.weight") {
            id.usesLinearProjection = projIn.count == 2
        }
        id.hasAdditionalEmbedding = catalog.has(prefix + (layout == .diffusers ? "add_embedding.linear_1.weight" : "label_emb.0.0.weight"))
        switch (id.hasAdditionalEmbedding == true, id.crossAttentionDim) {
        case (false, 768): id.family = .sd1
        case (false, 1024): id.family = .sd2
        case (true, 2048): id.family = .sdxl
        case (true, 1280): id.family = .sdxlRefiner
        default: id.family = nil
        }
        return id
    }

    private static func vae(_ prefix: String, _ catalog: Catalog) -> ModelIdentification? {
        let layout: ModelIdentification.Layout
        if catalog.has(prefix + "encoder.down_blocks.0.resnets.0.conv1.weight") || catalog.has(prefix + "decoder.up_blocks.0.resnets.0.conv1.weight") {
            layout = .diffusers
        } else if catalog.has(prefix + "encoder.down.0.block.0.conv1.weight") || catalog.has(prefix + "decoder.up.0.block.0.conv1.weight") {
            layout = .ldm
        } else {
            return nil
        }
        var id = catalog.identification(.vae, layout, prefix)
        if let decoderIn = catalog.shape(prefix + "decoder.conv_in.weight"), decoderIn.count == 4 {
            id.latentChannels = decoderIn[1]
        } else if let quant = catalog.shape(prefix + "quant_conv.weight"), quant.count == 4 {
            id.latentChannels = quant[0] / 2  // the encoder's mean and log-variance
        }
        if let encoderIn = catalog.shape(prefix + "encoder.conv_in.weight"), encoderIn.count == 4 {
            id.width = encoderIn[0]
        } else if let decoderOut = catalog.shape(prefix + "decoder.conv_out.weight"), decoderOut.count == 4 {
            id.width = decoderOut[1]
        }
        return id
    }

    private static func transformersCLIP(_ prefix: String, _ catalog: Catalog) -> ModelIdentification {
        // CLIPTextModelWithProjection keeps text_projection beside text_model., so the network's root is
        // the prefix without text_model.
        let root = prefix.hasSuffix("text_model.") ? String(prefix.dropLast("text_model.".count)) : prefix
        var id = catalog.identification(.clipTextEncoder, .transformers, root)
        if let embedding = catalog.shape(prefix + "embeddings.token_embedding.weight"), embedding.count == 2 {
            id.width = embedding[1]
        }
        id.layerCount = catalog.countIndices(under: prefix + "encoder.layers.")
        id.hasTextProjection = catalog.has(root + "text_projection.weight")
        id.family = textEncoderFamily(id.width)
        return id
    }

    private static func openCLIP(_ prefix: String, _ catalog: Catalog) -> ModelIdentification {
        var id = catalog.identification(.clipTextEncoder, .openCLIP, prefix)
        if let embedding = catalog.shape(prefix + "token_embedding.weight"), embedding.count == 2 {
            id.width = embedding[1]
        }
        id.layerCount = catalog.countIndices(under: prefix + "transformer.resblocks.")
        id.hasTextProjection = catalog.has(prefix + "text_projection")
        id.family = textEncoderFamily(id.width)
        return id
    }

    private static func textEncoderFamily(_ width: Int?) -> ModelIdentification.Family? {
        switch width {
        case 768: .sd1
        case 1024: .sd2
        case 1280: .sdxl
        default: nil
        }
    }

    /// The tensors' names and shapes, with the lookups the rules need.
    private struct Catalog {
        let tensors: [String: TensorInfo]
        let sortedNames: [String]

        init(_ tensors: [String: TensorInfo]) {
            self.tensors = tensors
            self.sortedNames = tensors.keys.sorted()
        }

        func has(_ name: String) -> Bool { tensors[name] != nil }
        func shape(_ name: String) -> [Int]? { tensors[name]?.shape }

        /// The prefixes `p` ("" or ending in ".") for which `p + anchor` is a key.
        func prefixes(ofAnchor anchor: String) -> [String] {
            sortedNames.compactMap { name in
                guard name.hasSuffix(anchor) else { return nil }
                let prefix = String(name.dropLast(anchor.count))
                return prefix.isEmpty || prefix.hasSuffix(".") ? prefix : nil
            }
        }

        /// The shape of the first key (in name order) under `prefix` ending with `suffix`.
        func firstShape(under prefix: String, endingWith suffix: String) -> [Int]? {
            sortedNames.first { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.flatMap { tensors[$0]?.shape }
        }

        /// How many distinct numbers N appear in keys `prefix + "N."`.
        func countIndices(under prefix: String) -> Int {
            var indices = Set<Int>()
            for name in sortedNames where name.hasPrefix(prefix) {
                let rest = name.dropFirst(prefix.count)
                if let dot = rest.firstIndex(of: "."), let n = Int(rest[..<dot]) { indices.insert(n) }
            }
            return indices.count
        }

        /// A blank identification counting the tensors under `prefix`.
        func identification(
            _ architecture: ModelIdentification.Architecture, _ layout: ModelIdentification.Layout, _ prefix: String
        ) -> ModelIdentification {
            var count = 0
            var parameters = 0
            for name in sortedNames where name.hasPrefix(prefix) {
                count += 1
                if let info = tensors[name], info.dataType.isFloatingPoint { parameters += info.elementCount }
            }
            return ModelIdentification(
                architecture: architecture, layout: layout, keyPrefix: prefix, tensorCount: count, parameterCount: parameters)
        }
    }
}
