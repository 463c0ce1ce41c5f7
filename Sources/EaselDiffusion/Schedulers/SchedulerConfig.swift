import Foundation

/// The keys of a diffusers `scheduler/scheduler_config.json` that the schedulers read.
///
/// Keys whose default differs between diffusers classes (`set_alpha_to_one`, `clip_sample`, `timestep_spacing`,
/// `skip_prk_steps`) stay optional here: each scheduler applies its own class's `__init__` default when the file
/// lacks the key, as `XScheduler.from_config(pipe.scheduler.config)` does. Keys common to all classes take the
/// shared default. Options only some classes have (`use_karras_sigmas`, `solver_order`, ...) are given to the
/// scheduler when it is made, not read from here.
public struct SchedulerConfig: Codable, Equatable, Sendable {
    public var numTrainTimesteps: Int
    public var betaStart: Double
    public var betaEnd: Double
    /// "linear", "scaled_linear" or "squaredcos_cap_v2".
    public var betaSchedule: String
    public var trainedBetas: [Double]?
    /// diffusers' default is "epsilon"; the only one supported.
    public var predictionType: String
    public var stepsOffset: Int
    public var setAlphaToOne: Bool?
    public var clipSample: Bool?
    public var clipSampleRange: Double
    public var timestepSpacing: String?
    public var skipPrkSteps: Bool?
    /// The class that wrote the file (`_class_name`), e.g. "PNDMScheduler".
    public var className: String?

    enum CodingKeys: String, CodingKey {
        case numTrainTimesteps = "num_train_timesteps"
        case betaStart = "beta_start"
        case betaEnd = "beta_end"
        case betaSchedule = "beta_schedule"
        case trainedBetas = "trained_betas"
        case predictionType = "prediction_type"
        case stepsOffset = "steps_offset"
        case setAlphaToOne = "set_alpha_to_one"
        case clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range"
        case timestepSpacing = "timestep_spacing"
        case skipPrkSteps = "skip_prk_steps"
        case className = "_class_name"
    }

    /// The diffusers defaults shared by the scheduler classes (`num_train_timesteps` 1000, linear 1e-4..0.02).
    public init(
        numTrainTimesteps: Int = 1000, betaStart: Double = 0.0001, betaEnd: Double = 0.02,
        betaSchedule: String = "linear", trainedBetas: [Double]? = nil, predictionType: String = "epsilon",
        stepsOffset: Int = 0, setAlphaToOne: Bool? = nil, clipSample: Bool? = nil, clipSampleRange: Double = 1.0,
        timestepSpacing: String? = nil, skipPrkSteps: Bool? = nil, className: String? = nil
    ) {
        self.numTrainTimesteps = numTrainTimesteps
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        self.betaSchedule = betaSchedule
        self.trainedBetas = trainedBetas
        self.predictionType = predictionType
        self.stepsOffset = stepsOffset
        self.setAlphaToOne = setAlphaToOne
        self.clipSample = clipSample
        self.clipSampleRange = clipSampleRange
        self.timestepSpacing = timestepSpacing
        self.skipPrkSteps = skipPrkSteps
        self.className = className
    }

    /// The SD 1.x `scheduler_config.json` (runwayml/stable-diffusion-v1-5): PNDM, scaled_linear 0.00085..0.012.
    public static let stableDiffusion15 = SchedulerConfig(
        betaStart: 0.00085, betaEnd: 0.012, betaSchedule: "scaled_linear", stepsOffset: 1, setAlphaToOne: false,
        clipSample: false, skipPrkSteps: true, className: "PNDMScheduler")

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SchedulerConfig()
        numTrainTimesteps = try c.decodeIfPresent(Int.self, forKey: .numTrainTimesteps) ?? defaults.numTrainTimesteps
        betaStart = try c.decodeIfPresent(Double.self, forKey: .betaStart) ?? defaults.betaStart
        betaEnd = try c.decodeIfPresent(Double.self, forKey: .betaEnd) ?? defaults.betaEnd
        betaSchedule = try c.decodeIfPresent(String.self, forKey: .betaSchedule) ?? defaults.betaSchedule
        trainedBetas = try c.decodeIfPresent([Double].self, forKey: .trainedBetas)
        predictionType = try c.decodeIfPresent(String.self, forKey: .predictionType) ?? defaults.predictionType
        stepsOffset = try c.decodeIfPresent(Int.self, forKey: .stepsOffset) ?? defaults.stepsOffset
        setAlphaToOne = try c.decodeIfPresent(Bool.self, forKey: .setAlphaToOne)
        clipSample = try c.decodeIfPresent(Bool.self, forKey: .clipSample)
        clipSampleRange = try c.decodeIfPresent(Double.self, forKey: .clipSampleRange) ?? defaults.clipSampleRange
        timestepSpacing = try c.decodeIfPresent(String.self, forKey: .timestepSpacing)
        skipPrkSteps = try c.decodeIfPresent(Bool.self, forKey: .skipPrkSteps)
        className = try c.decodeIfPresent(String.self, forKey: .className)
    }

    /// Reads a diffusers `scheduler_config.json`.
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(SchedulerConfig.self, from: Data(contentsOf: url))
    }
}
