import EaselCheckpoint
import Foundation

/// The text `easel inspect` prints for a model path: per component its files, tensors (name, dtype,
/// shape), totals and identification; `summary` leaves out the tensor lines and file metadata.
enum InspectReport {
    static func render(_ inventory: CheckpointInventory, summary: Bool) -> String {
        var out = ""
        let name = inventory.url.lastPathComponent
        switch inventory.source {
        case .singleFile:
            switch (inventory.components.first?.files.first as? PyTorchCheckpointFile)?.layout {
            case .zip: out += "\(name): PyTorch checkpoint (torch.save zip)\n"
            case .legacy: out += "\(name): PyTorch checkpoint (legacy torch.save)\n"
            case nil: out += "\(name): safetensors file\n"
            }
        case .diffusersPipeline(let className): out += "\(name): diffusers pipeline" + (className.map { " \($0)" } ?? "") + "\n"
        case .diffusersComponent: out += "\(name): diffusers component folder\n"
        case .folderOfFiles: out += "\(name): folder of \(inventory.components.count) safetensors files\n"
        }
        if !inventory.componentsWithoutWeights.isEmpty {
            out += "without weights: " + inventory.componentsWithoutWeights.joined(separator: ", ") + "\n"
        }
        for component in inventory.components {
            out += "\n" + render(component, root: inventory.url, summary: summary)
        }
        if inventory.components.count > 1 {
            out += "\ntotal: \(inventory.components.count) components, \(count(inventory.parameterCount)) parameters\n"
        }
        return out
    }

    private static func render(_ component: CheckpointComponent, root: URL, summary: Bool) -> String {
        var out = "== " + component.name + (component.className.map { ": \($0)" } ?? "") + "\n"
        let files = component.files.map { file in
            relativePath(file.url, to: root) + " (" + byteSize(file.byteCount) + ")"
        }
        var filesLine = (files.count == 1 ? "file: " : "files: ") + files.joined(separator: ", ")
        if !component.otherVariants.isEmpty {
            filesLine += "; other variants: " + component.otherVariants.joined(separator: ", ")
        }
        out += filesLine + "\n"
        if !summary {
            for file in component.files where !file.metadata.isEmpty {
                let pairs = file.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\(abbreviated($0.value))" }
                out += "metadata" + (component.files.count > 1 ? " of \(file.url.lastPathComponent)" : "") + ": "
                    + pairs.joined(separator: ", ") + "\n"
            }
            let nameWidth = component.tensors.map(\.name.count).max() ?? 0
            let typeWidth = component.tensors.map(\.dataType.rawValue.count).max() ?? 0
            for info in component.tensors {
                out += "  " + padded(info.name, nameWidth) + "  " + padded(info.dataType.rawValue, typeWidth) + "  "
                    + "[" + info.shape.map(String.init).joined(separator: ", ") + "]\n"
            }
        }
        let dataTypes = Dictionary(grouping: component.tensors, by: \.dataType).keys.sorted().reversed().map(\.rawValue)
        out += "\(count(component.tensors.count)) tensors (\(dataTypes.joined(separator: ", "))), "
            + "\(count(component.parameterCount)) parameters\n"
        let parts = component.identifications
        if parts.isEmpty {
            out += "identified: nothing known (no UNet, ControlNet, VAE or CLIP text encoder key pattern)\n"
        }
        let showPartSizes = parts.count > 1 || !component.unclaimedTensorNames.isEmpty
        for part in parts {
            out += "identified: \(part)"
            if showPartSizes { out += " [\(count(part.tensorCount)) tensors, \(count(part.parameterCount)) parameters]" }
            out += "\n"
        }
        if !parts.isEmpty && !component.unclaimedTensorNames.isEmpty {
            let names = component.unclaimedTensorNames
            out += "not part of those: \(count(names.count)) tensors ("
                + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "") + ")\n"
        }
        return out
    }

    /// 859520964 -> "859,520,964".
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Decimal units, as file managers show them: "230.5 kB", "1.72 GB".
    static func byteSize(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            let value = Double(bytes) / scale
            return String(format: value >= 100 ? "%.0f %@" : value >= 10 ? "%.1f %@" : "%.2f %@", value, unit)
        }
        return "\(bytes) bytes"
    }

    private static func relativePath(_ url: URL, to root: URL) -> String {
        let base = root.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
        return url.lastPathComponent
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Metadata values can be whole training logs; keep one short line.
    private static func abbreviated(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count <= 60 ? line : String(line.prefix(57)) + "..."
    }
}
