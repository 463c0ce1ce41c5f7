import EaselTensor
import EaselTestSupport
import Foundation
import Testing

@testable import EaselCheckpoint

/// Every tensor of the torch.save fixtures (both layouts, all element types, views sharing storages)
/// reads exactly as `torch.load(...).to(torch.float32)` gives it.
@Suite struct PyTorchCheckpointTests {
    @Test(arguments: ["PyTorch_zip.pth", "PyTorch_protocol4.pth", "PyTorch_legacy.pth", "PyTorch_ldm.ckpt"])
    func tensorsEqualWhatTorchLoads(file name: String) throws {
        let cases = try PyTorchCases.load()
        let expected = try SafetensorsFile(contentsOf: pyTorchFixtures.url("PyTorch_expected.safetensors"))
        let fileCase = try #require(cases.files.first { $0.file == name })
        let file = try PyTorchCheckpointFile(contentsOf: pyTorchFixtures.url(name))
        #expect(file.layout == (fileCase.layout == "zip" ? .zip(archiveName: String(name.prefix { $0 != "." })) : .legacy))
        #expect(Set(file.tensorNames) == Set(fileCase.tensors.keys))
        #expect(file.tensorNames.count == fileCase.tensors.count)
        #expect(file.metadata == fileCase.metadata)
        for (tensorName, tensorCase) in fileCase.tensors {
            let info = try #require(file.tensors[tensorName])
            #expect(info.dataType.rawValue == torchDtypeNames[tensorCase.dtype], "\(tensorName)")
            #expect(info.shape == tensorCase.shape, "\(tensorName)")
            let view = try #require(file.view(of: tensorName))
            #expect(view.strides == tensorCase.strides, "\(tensorName)")
            #expect(view.storageOffset == tensorCase.storage_offset, "\(tensorName)")
            let tensor = try file.tensor(named: tensorName)
            let reference = try expected.tensor(named: name + "/" + tensorName)
            #expect(tensor.shape == reference.shape, "\(tensorName)")
            // Exact: the same bits as torch's conversion (NaN compared as NaN).
            let same = zip(tensor.scalars, reference.scalars).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
            #expect(same && tensor.scalars.count == reference.scalars.count, "\(name): \(tensorName) differs from torch.load")
        }
    }

    @Test func viewsShareOneStorage() throws {
        let file = try PyTorchCheckpointFile(contentsOf: pyTorchFixtures.url("PyTorch_zip.pth"))
        // base, its transpose, row slice, strided pick and broadcast all point into the same bytes.
        let base = try #require(file.tensors["base"])
        for name in ["transposed", "rows", "strided", "expanded"] {
            let info = try #require(file.tensors[name])
            #expect(base.dataOffsets.contains(info.dataOffsets.lowerBound), "\(name)")
            #expect(info.dataOffsets.upperBound <= base.dataOffsets.upperBound, "\(name)")
        }
        #expect(try file.tensor(named: "expanded").scalars == [Float](repeating: file.tensor(named: "base").scalars[0], count: 12))
    }

    @Test func ldmCheckpointOpensAsAnInventory() throws {
        let url = try pyTorchFixtures.url("PyTorch_ldm.ckpt")
        let inventory = try CheckpointInventory(contentsOf: url)
        #expect(inventory.source == .singleFile)
        let component = try #require(inventory.components.first)
        #expect(inventory.components.count == 1)
        #expect(component.name == "PyTorch_ldm.ckpt")
        #expect(component.files.map(\.url.lastPathComponent) == ["PyTorch_ldm.ckpt"])
        #expect(component.files.first?.metadata["global_step"] == "470000")
        #expect(component.tensors.map(\.name).contains("model.diffusion_model.input_blocks.0.0.weight"))
        #expect(component.tensors.count == 5)
        let weight = try component.tensor(named: "first_stage_model.decoder.conv_out.weight")
        #expect(weight.shape == [3, 4, 3, 3])
        // position_ids (int64) is not a parameter; the float tensors are.
        #expect(component.parameterCount == 4 * 4 * 9 + 4 + 3 * 4 * 9 + 10)
        #expect(component.file(holding: "betas") is PyTorchCheckpointFile)
    }

    @Test func aSafetensorsFileNamedCkptIsReadAsSafetensors() throws {
        let folder = try TemporaryFolder()
        let bytes = try [UInt8](Data(contentsOf: pyTorchFixtures.url("PyTorch_expected.safetensors")))
        let renamed = try folder.write(bytes, to: "converted.ckpt")
        let inventory = try CheckpointInventory(contentsOf: renamed)
        #expect(inventory.components.first?.files.first is SafetensorsFile)
        // Neither format: the PyTorch reader's error, naming the file.
        let junk = try folder.write(Array("hello".utf8), to: "junk.pth")
        #expect(throws: CheckpointError.invalidPyTorchFile(path: junk.path, reason: "it is neither a zip archive nor a pickle (the two layouts torch.save writes)")) {
            try CheckpointInventory(contentsOf: junk)
        }
    }

    @Test func missingTensorsAndUnreadableTypesAreNamed() throws {
        let url = try pyTorchFixtures.url("PyTorch_zip.pth")
        let file = try PyTorchCheckpointFile(contentsOf: url)
        #expect(throws: CheckpointError.missingTensor(path: url.path, name: "nope")) { try file.tensor(named: "nope") }
        // Nested dicts are named with dots, as nn.Module.state_dict names submodules.
        #expect(file.tensors["nested.inner.w"]?.shape == [2])
    }
}
