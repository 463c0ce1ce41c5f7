import Foundation

/// Reads a component's JSON configuration (`config.json`, `scheduler_config.json`) into its Codable type, with
/// errors that name the file: a file that cannot be read, or that does not decode as `type`, is a
/// `WeightError.invalidConfiguration`; a `WeightError` the type's decoder throws itself (a refused setting) comes
/// through as it is.
public enum ConfigFile {
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw WeightError.invalidConfiguration("cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as WeightError {
            throw error
        } catch {
            throw WeightError.invalidConfiguration("cannot decode \(url.path) as \(type): \(error)")
        }
    }
}
