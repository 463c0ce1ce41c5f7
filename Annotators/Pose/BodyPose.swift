/// One detected or posed body keypoint, in pixels of its canvas (controlnet_aux's `Keypoint`, before
/// `detect_poses` divides by the canvas size).
public struct PoseKeypoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// The heatmap value at the peak (1 for keypoints read from JSON).
    public var score: Double

    public init(x: Double, y: Double, score: Double = 1) {
        self.x = x
        self.y = y
        self.score = score
    }
}

/// One person: the 18 COCO body keypoints in OpenPose order (nose, neck, right shoulder, elbow, wrist,
/// left shoulder, elbow, wrist, right hip, knee, ankle, left hip, knee, ankle, right eye, left eye,
/// right ear, left ear), nil where a part was not found (controlnet_aux's `BodyResult`). Hands (21 points)
/// and face (70) are carried from and to JSON and drawn, not detected.
public struct PosePerson: Sendable, Equatable {
    public var keypoints: [PoseKeypoint?]
    /// controlnet_aux's `total_score` and `total_parts` (0 for people read from JSON).
    public var totalScore: Double
    public var totalParts: Int
    public var leftHand: [PoseKeypoint?]?
    public var rightHand: [PoseKeypoint?]?
    public var face: [PoseKeypoint?]?

    public init(keypoints: [PoseKeypoint?], totalScore: Double = 0, totalParts: Int = 0,
                leftHand: [PoseKeypoint?]? = nil, rightHand: [PoseKeypoint?]? = nil, face: [PoseKeypoint?]? = nil) {
        self.keypoints = keypoints
        self.totalScore = totalScore
        self.totalParts = totalParts
        self.leftHand = leftHand
        self.rightHand = rightHand
        self.face = face
    }
}

/// People on a canvas: what the detector found in an image of `canvasWidth` x `canvasHeight`, or what a
/// pose JSON describes (the A1111 ControlNet extension's `canvas_width`, `canvas_height`, `people`).
public struct PoseFigure: Sendable, Equatable {
    public var canvasWidth: Int
    public var canvasHeight: Int
    public var people: [PosePerson]

    public init(canvasWidth: Int, canvasHeight: Int, people: [PosePerson]) {
        self.canvasWidth = canvasWidth
        self.canvasHeight = canvasHeight
        self.people = people
    }
}

/// The body model's skeleton, as controlnet_aux's `body.py` and `util.draw_bodypose` spell it (1-based parts).
enum BodySkeleton {
    static let partCount = 18
    /// `limbSeq`: the 19 limbs scored from PAFs; drawing uses the first 17 (the last two, ear-shoulder,
    /// only help assembly).
    static let limbs: [(Int, Int)] = [
        (2, 3), (2, 6), (3, 4), (4, 5), (6, 7), (7, 8), (2, 9), (9, 10), (10, 11), (2, 12), (12, 13), (13, 14),
        (2, 1), (1, 15), (15, 17), (1, 16), (16, 18), (3, 17), (6, 18),
    ]
    /// `mapIdx`: each limb's PAF channels (x, y), numbered from 19 as in the original 57-channel output.
    static let pafChannels: [(Int, Int)] = [
        (31, 32), (39, 40), (33, 34), (35, 36), (41, 42), (43, 44), (19, 20), (21, 22), (23, 24), (25, 26),
        (27, 28), (29, 30), (47, 48), (49, 50), (53, 54), (51, 52), (55, 56), (37, 38), (45, 46),
    ]
    /// The 18 colours (RGB) of limbs and joints.
    static let colors: [(UInt8, UInt8, UInt8)] = [
        (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0),
        (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255),
        (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85),
    ]
}
