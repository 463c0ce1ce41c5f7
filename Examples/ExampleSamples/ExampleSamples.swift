import Foundation

/// The samples the example programs bundle (a cat photo, a house scribble, a pose JSON), kept once for all of
/// them: `ExampleSamples.url("chelsea.png")`.
public enum ExampleSamples {
    /// The bundled file `name`; throws naming it when the build lacks it.
    public static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Samples/" + name, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
        }
        return url
    }
}
