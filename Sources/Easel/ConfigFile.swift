import EaselDiffusion
import Foundation

/// Reads a component's JSON configuration (`config.json`, `scheduler_config.json`), with errors that name the file.
enum ConfigFile {
    static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw WeightError.invalidConfiguration("cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw WeightError.invalidConfiguration("cannot decode \(url.path) as \(type): \(error)")
        }
    }
}
