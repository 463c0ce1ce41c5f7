import EaselCheckpoint
import EaselDiffusion
import EaselTensor
import Foundation

/// The original MiDaS v3 DPT checkpoints (`dpt_hybrid-midas-501f0c75.pt`, the file controlnet_aux and the
/// ControlNet annotators download from lllyasviel/Annotators) read as transformers' `DPTForDepthEstimation`:
/// the names transformers' `convert_dpt_hybrid_to_pytorch.py` maps (timm's ViT-hybrid under
/// `pretrained.model`, the readout/resize blocks `pretrained.act_postprocess{1-4}`, the fusion `scratch`),
/// with timm's fused `attn.qkv` split into query, key and value (rows in that order), and the unused
/// classifier `pretrained.model.head.*` dropped. Intel/dpt-hybrid-midas was converted from this file.
public enum MiDaSTensorStore {
    /// Maps every tensor of `file` (a `SlicedTensorStore`: renamed, and the fused `qkv` cut into thirds of its
    /// rows); a name MiDaS does not use is an error naming it. A file saved with its training state
    /// (`{"model": ..., "optimizer": ...}`) is read under `model.`.
    public static func store(_ file: any TensorStore) throws -> SlicedTensorStore {
        let names = file.tensorNames
        let wrapped = names.contains { $0.hasPrefix("model.pretrained.") }
        var sources: [String: SlicedTensorStore.Source] = [:]
        var unknown: [String] = []
        for original in names {
            if wrapped && !original.hasPrefix("model.") { continue }
            let name = wrapped ? String(original.dropFirst("model.".count)) : original
            if name.hasPrefix("pretrained.model.head.") { continue }
            if let fused = fusedQKVLayer(name) {
                guard let shape = file.shape(of: original), let rows = shape.first, rows % 3 == 0 else {
                    throw WeightError.invalidConfiguration(
                        "\(original) has shape \(file.shape(of: original) ?? []); a fused qkv needs a first axis divisible by 3")
                }
                let third = rows / 3
                for (index, part) in ["query", "key", "value"].enumerated() {
                    let target = "dpt.encoder.layer.\(fused.layer).attention.attention.\(part).\(fused.parameter)"
                    sources[target] = .rows(original, (index * third)..<((index + 1) * third))
                }
            } else if let target = transformersName(name) {
                sources[target] = .whole(original)
            } else {
                unknown.append(original)
            }
        }
        guard unknown.isEmpty else { throw WeightError.unexpected(names: unknown.sorted()) }
        return try SlicedTensorStore(base: file, sources: sources)
    }

    /// `pretrained.model.blocks.<i>.attn.qkv.<weight|bias>` as (i, parameter).
    static func fusedQKVLayer(_ name: String) -> (layer: Int, parameter: String)? {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 7, parts[0] == "pretrained", parts[1] == "model", parts[2] == "blocks",
              let layer = Int(parts[3]), parts[4] == "attn", parts[5] == "qkv" else { return nil }
        return (layer, parts[6])
    }

    /// The transformers name of an original MiDaS tensor (other than a fused qkv), or nil when MiDaS's DPT
    /// has no such tensor.
    public static func transformersName(_ name: String) -> String? {
        var parts = name.split(separator: ".").map(String.init)
        guard parts.count >= 2 else { return nil }
        let parameter = parts.removeLast()
        let path = parts.joined(separator: ".")
        func stripped(_ prefix: String) -> [String]? {
            guard path.hasPrefix(prefix) else { return nil }
            return path.dropFirst(prefix.count).split(separator: ".").map(String.init)
        }
        let mapped: String?
        if path == "pretrained.model" {
            mapped = ["cls_token": "dpt.embeddings.cls_token", "pos_embed": "dpt.embeddings.position_embeddings"][parameter]
            return mapped
        } else if path == "pretrained.model.patch_embed.proj" {
            mapped = "dpt.embeddings.projection"
        } else if path == "pretrained.model.norm" {
            mapped = "dpt.layernorm"
        } else if let rest = stripped("pretrained.model.patch_embed.backbone.") {
            mapped = bitName(rest)
        } else if let rest = stripped("pretrained.model.blocks."), rest.count >= 2, Int(rest[0]) != nil {
            let inner = [
                "norm1": "layernorm_before", "norm2": "layernorm_after", "attn.proj": "attention.output.dense",
                "mlp.fc1": "intermediate.dense", "mlp.fc2": "output.dense",
            ][rest.dropFirst().joined(separator: ".")]
            mapped = inner.map { "dpt.encoder.layer.\(rest[0]).\($0)" }
        } else if let rest = stripped("pretrained.act_postprocess"), rest.count >= 2,
                  let stage = Int(rest[0]), (1...4).contains(stage) {
            switch rest.dropFirst().joined(separator: ".") {
            case "0.project.0": mapped = "neck.reassemble_stage.readout_projects.\(stage - 1).0"
            case "3": mapped = "neck.reassemble_stage.layers.\(stage - 1).projection"
            case "4": mapped = "neck.reassemble_stage.layers.\(stage - 1).resize"
            default: mapped = nil
            }
        } else if let rest = stripped("scratch."), let first = rest.first {
            if rest.count == 1, first.hasPrefix("layer"), first.hasSuffix("_rn"),
               let stage = Int(first.dropFirst("layer".count).dropLast("_rn".count)), (1...4).contains(stage) {
                mapped = "neck.convs.\(stage - 1)"
            } else if first.hasPrefix("refinenet"), let stage = Int(first.dropFirst("refinenet".count)),
                      (1...4).contains(stage) {
                let layer = "neck.fusion_stage.layers.\(4 - stage)"
                switch rest.dropFirst().joined(separator: ".") {
                case "out_conv": mapped = layer + ".projection"
                case let unit where unit.hasPrefix("resConfUnit"):
                    let pieces = unit.split(separator: ".")
                    if pieces.count == 2, let n = Int(pieces[0].dropFirst("resConfUnit".count)), (1...2).contains(n),
                       pieces[1].hasPrefix("conv"), let m = Int(pieces[1].dropFirst("conv".count)), (1...2).contains(m) {
                        mapped = layer + ".residual_layer\(n).convolution\(m)"
                    } else {
                        mapped = nil
                    }
                default: mapped = nil
                }
            } else if rest.count == 2, first == "output_conv", ["0", "2", "4"].contains(rest[1]) {
                mapped = "head.head.\(rest[1])"
            } else {
                mapped = nil
            }
        } else {
            mapped = nil
        }
        return mapped.map { $0 + "." + parameter }
    }

    /// timm's ResNetV2 names under `patch_embed.backbone.` (`stem.conv`, `stem.norm`,
    /// `stages.S.blocks.L.{conv1-3,norm1-3,downsample.conv,downsample.norm}`) in transformers' BiT.
    private static func bitName(_ rest: [String]) -> String? {
        let root = "dpt.embeddings.backbone.bit."
        if rest == ["stem", "conv"] { return root + "embedder.convolution" }
        if rest == ["stem", "norm"] { return root + "embedder.norm" }
        guard rest.count >= 5, rest[0] == "stages", Int(rest[1]) != nil, rest[2] == "blocks", Int(rest[3]) != nil else {
            return nil
        }
        let inner = rest.dropFirst(4).joined(separator: ".")
        let known = ["conv1", "conv2", "conv3", "norm1", "norm2", "norm3", "downsample.conv", "downsample.norm"]
        guard known.contains(inner) else { return nil }
        return root + "encoder.stages.\(rest[1]).layers.\(rest[3]).\(inner)"
    }
}

extension DPTConfig {
    /// MiDaS v3 DPT-Hybrid (`dpt_hybrid-midas-501f0c75.pt`, Intel/dpt-hybrid-midas): transformers' defaults
    /// (ViT-Base, BiT-R50 with stages of 3, 4, 9 bottlenecks) with the settings
    /// `convert_dpt_hybrid_to_pytorch.py` gives "midas" checkpoints.
    public static var midasHybrid: DPTConfig {
        var config = DPTConfig()
        config.isHybrid = true
        config.reassembleFactors = [1, 1, 1, 0.5]
        config.neckHiddenSizes = [256, 512, 768, 768]
        config.backboneConfig = .dptHybridDefault
        return config
    }
}

extension BitConfig {
    /// `DPTConfig`'s default BiT backbone for hybrid models.
    public static var dptHybridDefault: BitConfig {
        var config = BitConfig()
        config.globalPadding = "SAME"
        config.layerType = "bottleneck"
        config.depths = [3, 4, 9]
        config.outIndices = [1, 2, 3]
        config.embeddingDynamicPadding = true
        return config
    }
}

extension DPTForDepthEstimation {
    /// Loads an original MiDaS checkpoint (`dpt_hybrid-midas-501f0c75.pt`) through `MiDaSTensorStore`, with
    /// `config` (default: `DPTConfig.midasHybrid`).
    public init(midasCheckpoint url: URL, config: DPTConfig = .midasHybrid) throws {
        try self.init(
            config: config,
            weights: MiDaSTensorStore.store(ComponentFolder.singleComponent(at: url, network: "MiDaS checkpoint")))
    }
}
