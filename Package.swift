// swift-tools-version: 6.0
// Easel: a computer-vision conditioning and editing suite built on Stable Diffusion, for Linux, on the CPU.
//
// System libraries (OpenBLAS, libpng, OpenCV) are found through pkg-config; no unsafe flags, so Easel can be
// used as a dependency. Dependency arrows point one way:
//   EaselTensor <- EaselCheckpoint, EaselImage <- EaselDiffusion <- Easel; EaselImage <- Annotators <- Easel (control units' preprocessors; the neural ones also use EaselDiffusion's weight loading); Easel, Annotators <- EaselCLI <- easel, Examples.
import PackageDescription

let package = Package(
    name: "Easel",
    products: [
        .library(name: "EaselTensor", targets: ["EaselTensor"]),
        .library(name: "EaselCheckpoint", targets: ["EaselCheckpoint"]),
        .library(name: "EaselImage", targets: ["EaselImage"]),
        .library(name: "EaselDiffusion", targets: ["EaselDiffusion"]),
        .library(name: "Easel", targets: ["Easel"]),
        .library(
            name: "EaselAnnotators",
            targets: [
                "AnnotatorCore", "CannyAnnotator", "ScribbleAnnotator", "PoseAnnotator", "DepthAnnotator",
                "SegmentationAnnotator",
            ]),
        .executable(name: "easel", targets: ["easel"]),
        .executable(name: "annotate-samples", targets: ["AnnotateSamples"]),
        .executable(name: "scribble-to-image", targets: ["ScribbleToImage"]),
        .executable(name: "pose-guided", targets: ["PoseGuided"]),
        .executable(name: "inpaint", targets: ["Inpaint"]),
        .executable(name: "outpaint", targets: ["Outpaint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: System libraries and the one C++ shim
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CSystemOpenCV", path: "Sources/CSystemOpenCV", pkgConfig: "opencv4",
            providers: [.apt(["libopencv-dev"])]),
        // COpenCV also holds the libpng calls (easel_png.c): libpng reports errors by longjmp, which must
        // stay in C. It gets png.h from CPNG's pkg-config flags.
        .target(name: "COpenCV", dependencies: ["CSystemOpenCV", "CPNG"], path: "Sources/COpenCV"),

        // MARK: Library
        .target(name: "EaselTensor", dependencies: ["CBLAS"]),
        .target(name: "EaselCheckpoint", dependencies: ["EaselTensor"]),
        .target(name: "EaselImage", dependencies: ["CPNG", "COpenCV"]),
        .target(
            name: "EaselDiffusion", dependencies: ["EaselTensor", "EaselCheckpoint", "EaselImage"],
            resources: [.copy("Resources")]),

        .target(
            name: "Easel",
            // AnnotatorCore: a control unit's preprocessor is any `Annotator`.
            dependencies: ["EaselDiffusion", "EaselImage", "EaselTensor", "EaselCheckpoint", "AnnotatorCore"]),

        // MARK: Annotators
        .target(name: "AnnotatorCore", dependencies: ["EaselImage"], path: "Annotators/AnnotatorCore"),
        .target(
            name: "CannyAnnotator", dependencies: ["AnnotatorCore", "EaselImage", "COpenCV"],
            path: "Annotators/Canny"),
        .target(
            name: "ScribbleAnnotator", dependencies: ["AnnotatorCore", "EaselImage"],
            path: "Annotators/Scribble"),
        // OpenPose loads its network through EaselDiffusion's TensorStore/WeightLoader and draws with the OpenCV shim.
        .target(
            name: "PoseAnnotator",
            dependencies: ["AnnotatorCore", "EaselImage", "EaselTensor", "EaselCheckpoint", "EaselDiffusion", "COpenCV"],
            path: "Annotators/Pose"),
        .target(
            name: "DepthAnnotator",
            dependencies: ["AnnotatorCore", "EaselImage", "EaselDiffusion", "EaselTensor", "EaselCheckpoint"],
            path: "Annotators/Depth"),
        .target(
            name: "SegmentationAnnotator",
            dependencies: ["AnnotatorCore", "EaselImage", "EaselDiffusion", "EaselTensor", "EaselCheckpoint"],
            path: "Annotators/Segmentation"),

        // MARK: Command line
        .target(
            name: "EaselCLI",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Easel", "EaselDiffusion", "EaselTensor", "EaselCheckpoint", "EaselImage",
                "AnnotatorCore", "CannyAnnotator", "ScribbleAnnotator", "PoseAnnotator", "DepthAnnotator", "SegmentationAnnotator",
            ]),
        .executableTarget(name: "easel", dependencies: ["EaselCLI"]),

        // MARK: Examples
        .executableTarget(
            name: "AnnotateSamples",
            dependencies: ["EaselImage", "AnnotatorCore", "CannyAnnotator", "ScribbleAnnotator", "PoseAnnotator", "ExampleSamples"],
            path: "Examples/AnnotateSamples"),
        // The samples every example bundles, once.
        .target(name: "ExampleSamples", path: "Examples/ExampleSamples", resources: [.copy("Samples")]),

        // What the four generation examples share: their common options and the generate-and-write steps.
        .target(
            name: "ExampleSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser"), "Easel", "EaselImage"],
            path: "Examples/ExampleSupport"),
        .executableTarget(
            name: "ScribbleToImage",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Easel", "EaselImage", "ExampleSamples", "ExampleSupport", "ScribbleAnnotator",
            ],
            path: "Examples/ScribbleToImage"),
        .executableTarget(
            name: "PoseGuided",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Easel", "EaselImage", "ExampleSamples", "ExampleSupport", "PoseAnnotator",
            ],
            path: "Examples/PoseGuided"),
        .executableTarget(
            name: "Inpaint",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"), "Easel", "EaselImage", "ExampleSamples",
                "ExampleSupport",
            ],
            path: "Examples/Inpaint"),
        .executableTarget(
            name: "Outpaint",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"), "Easel", "EaselImage", "ExampleSamples",
                "ExampleSupport",
            ],
            path: "Examples/Outpaint"),

        // MARK: Tests
        .target(
            name: "EaselTestSupport", dependencies: ["EaselTensor", "EaselCheckpoint", "EaselImage"],
            path: "Tests/EaselTestSupport",
            // The end-to-end pipeline fixtures, shared by the library's and the command line's tests.
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EaselTensorTests", dependencies: ["EaselTensor", "EaselCheckpoint", "EaselTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EaselCheckpointTests", dependencies: ["EaselCheckpoint", "EaselTensor", "EaselTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EaselDiffusionTests",
            dependencies: ["EaselDiffusion", "EaselTensor", "EaselCheckpoint", "EaselTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EaselTests",
            dependencies: [
                "Easel", "EaselDiffusion", "EaselImage", "EaselTensor", "EaselTestSupport", "AnnotatorCore",
                "CannyAnnotator",
            ]),
        .testTarget(
            name: "EaselImageTests", dependencies: ["EaselImage", "EaselTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "AnnotatorTests",
            dependencies: [
                "AnnotatorCore", "CannyAnnotator", "ScribbleAnnotator", "PoseAnnotator", "DepthAnnotator",
                "SegmentationAnnotator", "EaselImage", "EaselTensor", "EaselCheckpoint", "EaselDiffusion",
                "EaselTestSupport",
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EaselCLITests",
            dependencies: [
                "EaselCLI", "EaselImage", "EaselCheckpoint", "PoseAnnotator", "DepthAnnotator", "EaselTestSupport",
            ],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
