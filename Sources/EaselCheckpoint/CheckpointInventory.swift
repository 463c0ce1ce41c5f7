import Foundation

/// What a model path holds: its weight components, their tensors, and which known networks they are.
///
/// A path may be
/// - a single `.safetensors` file (a component, or a full checkpoint holding UNet, VAE and text encoder);
/// - a single PyTorch checkpoint (`.ckpt`, `.pt`, `.pth`, `.bin`, `.pkl`), read without running its
///   pickle (`PyTorchCheckpointFile`); an LDM `.ckpt`'s `state_dict` is unwrapped;
/// - a diffusers pipeline folder (`model_index.json` naming `unet/`, `vae/`, `text_encoder/`, ...);
/// - a diffusers component folder (`config.json` + `diffusion_pytorch_model[.fp16].safetensors`, e.g. a
///   ControlNet);
/// - a plain folder of `.safetensors` files (each one a component).
/// Pickle weights inside folders (`pytorch_model.bin`) are refused with an error that says so.
public struct CheckpointInventory: Sendable {
    public enum Source: Sendable, Equatable {
        case singleFile
        /// `model_index.json`'s `_class_name`, e.g. "StableDiffusionPipeline".
        case diffusersPipeline(className: String?)
        case diffusersComponent
        case folderOfFiles
    }

    public let url: URL
    public let source: Source
    /// Components with weights, in pipeline order (unet, controlnet, vae, text encoders, then by name).
    public let components: [CheckpointComponent]
    /// Pipeline entries without weights (tokenizer, scheduler, feature extractor), as `name (Class)`.
    public let componentsWithoutWeights: [String]

    /// Reads what `url` holds; `variant` picks diffusers weight variants (e.g. "fp16"), otherwise the
    /// default files are read (or the only variant present).
    public init(contentsOf url: URL, variant: String? = nil) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw CheckpointError.unreadable(path: url.path, reason: "no such file or folder")
        }
        self.url = url
        guard isFolder.boolValue else {
            let file = try CheckpointFormat.openWeightFile(url)
            source = .singleFile
            components = [
                try CheckpointComponent(name: url.lastPathComponent, className: nil, files: [file], variant: nil, otherVariants: [])
            ]
            componentsWithoutWeights = []
            return
        }
        let modelIndex = url.appendingPathComponent("model_index.json")
        let config = url.appendingPathComponent("config.json")
        if FileManager.default.fileExists(atPath: modelIndex.path) {
            let index = try Self.readJSONObject(modelIndex)
            source = .diffusersPipeline(className: index["_class_name"] as? String)
            var withWeights: [CheckpointComponent] = []
            var without: [String] = []
            for (name, className) in Self.pipelineEntries(index) {
                let folder = url.appendingPathComponent(name)
                var isComponentFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isComponentFolder),
                    isComponentFolder.boolValue
                else {
                    throw CheckpointError.invalidModelFolder(
                        path: url.path, reason: "model_index.json lists '\(name)' but there is no \(name)/ folder")
                }
                if let component = try Self.component(in: folder, name: name, className: className, variant: variant) {
                    withWeights.append(component)
                } else {
                    without.append(className.map { "\(name) (\($0))" } ?? name)
                }
            }
            guard !withWeights.isEmpty else {
                throw CheckpointError.invalidModelFolder(path: url.path, reason: "none of its components has .safetensors weights")
            }
            components = withWeights
            componentsWithoutWeights = without
        } else if FileManager.default.fileExists(atPath: config.path) {
            guard let component = try Self.component(in: url, name: url.lastPathComponent, className: nil, variant: variant)
            else {
                throw CheckpointError.invalidModelFolder(path: url.path, reason: "it has a config.json but no .safetensors weights")
            }
            source = .diffusersComponent
            components = [component]
            componentsWithoutWeights = []
        } else {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted(by: TensorInfo.listingOrder)
            } catch {
                throw CheckpointError.unreadable(path: url.path, reason: error.localizedDescription)
            }
            let files = names.filter { $0.hasSuffix(".safetensors") && !$0.hasPrefix(".") }
            guard !files.isEmpty else {
                if let pickle = names.first(where: { CheckpointFormat.isPickleName(URL(fileURLWithPath: $0)) }) {
                    throw CheckpointError.unsupportedFormat(
                        path: url.appendingPathComponent(pickle).path, reason: CheckpointFormat.pickleAdvice)
                }
                throw CheckpointError.invalidModelFolder(
                    path: url.path, reason: "it has no model_index.json, no config.json and no .safetensors files")
            }
            source = .folderOfFiles
            components = try files.map { name in
                let file = try CheckpointFormat.openSafetensors(url.appendingPathComponent(name))
                return try CheckpointComponent(name: name, className: nil, files: [file], variant: nil, otherVariants: [])
            }
            componentsWithoutWeights = []
        }
    }

    /// Elements of the floating-point tensors of all components.
    public var parameterCount: Int { components.reduce(0) { $0 + $1.parameterCount } }

    /// The component folder's weights, or nil when it has none.
    private static func component(in folder: URL, name: String, className: String?, variant: String?) throws -> CheckpointComponent? {
        guard let weights = try ComponentWeightFiles.select(in: folder, requested: variant) else { return nil }
        var className = className
        let config = folder.appendingPathComponent("config.json")
        if FileManager.default.fileExists(atPath: config.path) {
            let object = try readJSONObject(config)
            className = object["_class_name"] as? String ?? (object["architectures"] as? [String])?.first ?? className
        }
        let files = try weights.urls.map { try CheckpointFormat.openSafetensors($0) }
        return try CheckpointComponent(
            name: name, className: className, files: files, variant: weights.variant, otherVariants: weights.otherVariants)
    }

    /// `model_index.json`'s components: every key not starting with "_" whose value is
    /// `[library, class]` (`[null, null]` marks an absent optional component), in pipeline order.
    private static func pipelineEntries(_ index: [String: Any]) -> [(name: String, className: String?)] {
        let order = ["unet", "controlnet", "vae", "text_encoder", "text_encoder_2"]
        var entries: [(name: String, className: String?)] = []
        for (key, value) in index where !key.hasPrefix("_") {
            guard let pair = value as? [Any], pair.count == 2, !(pair[0] is NSNull && pair[1] is NSNull) else { continue }
            entries.append((key, pair[1] as? String))
        }
        return entries.sorted { a, b in
            let (i, j) = (order.firstIndex(of: a.name) ?? order.count, order.firstIndex(of: b.name) ?? order.count)
            return i != j ? i < j : a.name < b.name
        }
    }

    private static func readJSONObject(_ url: URL) throws -> [String: Any] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CheckpointError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CheckpointError.invalidModelFolder(
                path: url.deletingLastPathComponent().path, reason: "\(url.lastPathComponent) is not a JSON object")
        }
        return object
    }
}
