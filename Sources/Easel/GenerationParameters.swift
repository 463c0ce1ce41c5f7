import EaselCheckpoint
import EaselDiffusion
import Foundation

/// The settings of a generated image in AUTOMATIC1111's "infotext" form, the `parameters` PNG text chunk that the
/// web UI's "PNG Info", ComfyUI, Civitai and others read back:
/// ```
/// a red house on a hill
/// Negative prompt: blurry
/// Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x512, Model: v1-5, RNG: CPU
/// ```
/// Written as A1111's `processing.create_infotext` writes it: the prompt, a `Negative prompt:` line when there is
/// one, then `key: value` pairs joined by ", ", a value quoted as JSON when it holds a comma, colon or line break
/// (`infotext_utils.quote`), and keys left out when A1111 leaves them out (no schedule type unless Karras, no
/// clip skip at 1, no RNG for A1111's default GPU source).
public struct GenerationParameters: Sendable, Equatable {
    public var prompt: String
    public var negativePrompt: String
    /// The `key: value` pairs in A1111's order.
    public var fields: [(key: String, value: String)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.prompt == rhs.prompt && lhs.negativePrompt == rhs.negativePrompt
            && lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    /// The PNG text chunk key A1111 uses.
    public static let pngTextKey = "parameters"

    public init(prompt: String, negativePrompt: String, fields: [(key: String, value: String)]) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.fields = fields
    }

    init(request: GenerationRequest, plan: GenerationPlan, modelName: String) {
        var fields: [(String, String)] = [
            ("Steps", String(request.steps)),
            ("Sampler", plan.sampler.a1111Name),
        ]
        if request.karras { fields.append(("Schedule type", "Karras")) }
        fields += [
            ("CFG scale", Self.format(request.guidanceScale)),
            ("Seed", String(request.seed)),
            ("Size", "\(plan.width)x\(plan.height)"),
            ("Model", modelName),
        ]
        if request.initImage != nil { fields.append(("Denoising strength", Self.format(request.strength))) }
        fields += Self.inpaintFields(request)
        if request.clipSkip > 1 { fields.append(("Clip skip", String(request.clipSkip))) }
        switch request.randomSource {
        case .cpu: fields.append(("RNG", "CPU"))
        case .cuda: fields.append(("RNG", "NV"))  // A1111's CPU port of the CUDA generator, which PhiloxGenerator equals
        }
        if request.promptSyntax == .plain { fields.append(("Prompt syntax", "plain")) }
        for (index, unit) in request.controlUnits.enumerated() {
            fields.append(("ControlNet \(index)", Self.controlNetEntry(unit, width: plan.width, height: plan.height)))
        }
        self.init(prompt: request.prompt, negativePrompt: request.negativePrompt, fields: fields)
    }

    /// The infotext: prompt, negative prompt line, settings line.
    public var text: String {
        let settings = fields.map { "\($0.key): \(Self.quote($0.value))" }.joined(separator: ", ")
        let negative = negativePrompt.isEmpty ? "" : "\nNegative prompt: \(negativePrompt)"
        return "\(prompt)\(negative)\n\(settings)".trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The value of the field `key`, if present.
    public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }

    /// Reads an infotext back as A1111's `infotext_utils.parse_generation_parameters` does: the last line holds
    /// the settings when it has at least three `key: value` pairs; lines before it are the prompt, up to a line
    /// starting `Negative prompt:`; quoted values are unquoted.
    public init(parsing text: String) {
        var lines = text.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n")
        let last = lines.popLast() ?? ""
        var settings = Self.settingPairs(in: last)
        if settings.count < 3 {
            lines.append(last)
            settings = []
        }
        var prompt = ""
        var negative = ""
        var inNegative = false
        for rawLine in lines {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Negative prompt:") {
                inNegative = true
                line = String(line.dropFirst("Negative prompt:".count)).trimmingCharacters(in: .whitespaces)
            }
            if inNegative {
                negative += (negative.isEmpty ? "" : "\n") + line
            } else {
                prompt += (prompt.isEmpty ? "" : "\n") + line
            }
        }
        self.init(prompt: prompt, negativePrompt: negative, fields: settings)
    }

    /// A1111's `re_param`: `\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`.
    private static func settingPairs(in line: String) -> [(key: String, value: String)] {
        guard let regex = try? NSRegularExpression(pattern: #"\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)"#)
        else { return [] }
        let range = NSRange(line.startIndex..., in: line)
        return regex.matches(in: line, range: range).compactMap { match in
            guard let key = Range(match.range(at: 1), in: line), let value = Range(match.range(at: 2), in: line)
            else { return nil }
            return (String(line[key]), unquote(String(line[value])))
        }
    }

    /// `infotext_utils.quote`: JSON-quoted (`json.dumps(value, ensure_ascii=False)`) when the value holds a comma,
    /// a line break or a colon.
    static func quote(_ value: String) -> String {
        guard value.contains(",") || value.contains("\n") || value.contains(":") else { return value }
        return JSONStringLiteral.quoted(value)
    }

    /// `infotext_utils.unquote`: a JSON string literal back to its text; anything else as it is.
    static func unquote(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\""),
            let decoded = try? JSONDecoder().decode(String.self, from: Data(value.utf8))
        else { return value }
        return decoded
    }

    /// Numbers as A1111 shows them: 7 for 7.0, 7.5 for 7.5 (the shortest form that reads back the same).
    static func format<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension SchedulerKind {
    /// The sampler's name in the A1111 web UI (and so in infotexts).
    public var a1111Name: String {
        switch self {
        case .ddim: "DDIM"
        case .pndm: "PLMS"
        case .euler: "Euler"
        case .eulerAncestral: "Euler a"
        case .dpmSolverMultistep: "DPM++ 2M"
        }
    }
}
