import EaselImage
import Foundation

/// Pose JSON in the A1111 ControlNet extension's format (its `encode_poses_as_dict` / `decode_json_as_poses`,
/// the OpenPose output layout the openpose editors read and write):
///
///     {"canvas_width": 512, "canvas_height": 512,
///      "people": [{"pose_keypoints_2d": [x, y, c] x 18,
///                  "hand_left_keypoints_2d": [...], "hand_right_keypoints_2d": [...], "face_keypoints_2d": [...]}]}
///
/// Coordinates are pixels of the canvas. A keypoint with confidence `c < 1` is absent (the extension's
/// rule), so Easel writes 1 for every found keypoint and `0, 0, 0` for missing ones. Files whose visible
/// coordinates all lie in [0, 1] are read as normalised (controlnet_aux's internal keypoints) and scaled
/// to the canvas. Hand and face arrays are optional and carried through unchanged.
public enum PoseJSON {
    /// The largest canvas side accepted (far above any ControlNet size; keeps a typo from asking for gigabytes).
    public static let maximumCanvasSide = Image.maximumCanvasSide

    /// `figure` as pose JSON (pretty-printed, keys sorted).
    public static func encode(_ figure: PoseFigure) throws -> Data {
        func flatten(_ points: [PoseKeypoint?]) -> [Double] {
            points.flatMap { $0.map { [$0.x, $0.y, 1.0] } ?? [0, 0, 0] }
        }
        let people: [[String: Any]] = figure.people.map { person in
            var entry: [String: Any] = ["pose_keypoints_2d": flatten(person.keypoints)]
            if let hand = person.leftHand { entry["hand_left_keypoints_2d"] = flatten(hand) }
            if let hand = person.rightHand { entry["hand_right_keypoints_2d"] = flatten(hand) }
            if let face = person.face { entry["face_keypoints_2d"] = flatten(face) }
            return entry
        }
        let object: [String: Any] = [
            "canvas_width": figure.canvasWidth, "canvas_height": figure.canvasHeight, "people": people,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// Reads the pose JSON file at `url`.
    public static func read(from url: URL) throws -> PoseFigure {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PoseError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data)
    }

    /// Reads pose JSON; errors name the field at fault (e.g. `people[0].pose_keypoints_2d`).
    public static func decode(_ data: Data) throws -> PoseFigure {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw PoseError.invalidJSON(field: "(file)", reason: "is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = root as? [String: Any] else {
            throw PoseError.invalidJSON(field: "(file)", reason: "must be a JSON object with canvas_width, canvas_height and people")
        }
        let width = try canvasSide(object, "canvas_width")
        let height = try canvasSide(object, "canvas_height")
        guard let peopleValue = object["people"] else {
            throw PoseError.invalidJSON(field: "people", reason: "is missing (a list of people, possibly empty)")
        }
        guard let people = peopleValue as? [Any] else {
            throw PoseError.invalidJSON(field: "people", reason: "must be a list")
        }
        var persons: [PosePerson] = []
        for (index, value) in people.enumerated() {
            let field = "people[\(index)]"
            guard let person = value as? [String: Any] else {
                throw PoseError.invalidJSON(field: field, reason: "must be an object with pose_keypoints_2d")
            }
            guard let body = try keypoints(person, "pose_keypoints_2d", in: field, count: 18) else {
                throw PoseError.invalidJSON(field: "\(field).pose_keypoints_2d", reason: "is missing (18 x [x, y, confidence])")
            }
            persons.append(PosePerson(
                keypoints: body,
                leftHand: try keypoints(person, "hand_left_keypoints_2d", in: field, count: 21),
                rightHand: try keypoints(person, "hand_right_keypoints_2d", in: field, count: 21),
                face: try keypoints(person, "face_keypoints_2d", in: field, count: nil)))
        }
        var figure = PoseFigure(canvasWidth: width, canvasHeight: height, people: persons)
        if isNormalised(figure) { figure = scaled(figure) }
        return figure
    }

    private static func canvasSide(_ object: [String: Any], _ key: String) throws -> Int {
        guard let value = object[key] else {
            throw PoseError.invalidJSON(field: key, reason: "is missing (the canvas size in pixels)")
        }
        guard let number = value as? NSNumber, let side = Int(exactly: number.doubleValue),
            (1...maximumCanvasSide).contains(side)
        else {
            throw PoseError.invalidJSON(field: key, reason: "must be a whole number from 1 to \(maximumCanvasSide), got \(value)")
        }
        return side
    }

    /// `[x, y, c] * n` under `key`, nil when absent or null; `count` keypoints when given.
    private static func keypoints(_ person: [String: Any], _ key: String, in parent: String, count: Int?) throws
        -> [PoseKeypoint?]?
    {
        let field = "\(parent).\(key)"
        guard let value = person[key], !(value is NSNull) else { return nil }
        guard let list = value as? [Any] else {
            throw PoseError.invalidJSON(field: field, reason: "must be a list of numbers [x, y, confidence, ...]")
        }
        var numbers: [Double] = []
        for (i, item) in list.enumerated() {
            guard let number = item as? NSNumber, number.doubleValue.isFinite,
                abs(number.doubleValue) <= 1_000_000
            else {
                throw PoseError.invalidJSON(field: "\(field)[\(i)]", reason: "must be a finite number, got \(item)")
            }
            numbers.append(number.doubleValue)
        }
        guard numbers.count % 3 == 0 else {
            throw PoseError.invalidJSON(field: field, reason: "has \(numbers.count) numbers, not a multiple of 3 ([x, y, confidence] per keypoint)")
        }
        if let count, numbers.count != 3 * count {
            throw PoseError.invalidJSON(field: field, reason: "has \(numbers.count / 3) keypoints, expected \(count) (\(3 * count) numbers)")
        }
        return stride(from: 0, to: numbers.count, by: 3).map { i in
            numbers[i + 2] < 1 ? nil : PoseKeypoint(x: numbers[i], y: numbers[i + 1], score: numbers[i + 2])
        }
    }

    private static func allKeypoints(_ figure: PoseFigure) -> [PoseKeypoint] {
        figure.people.flatMap { person in
            (person.keypoints + (person.leftHand ?? []) + (person.rightHand ?? []) + (person.face ?? [])).compactMap { $0 }
        }
    }

    private static func isNormalised(_ figure: PoseFigure) -> Bool {
        let points = allKeypoints(figure)
        return !points.isEmpty && points.allSatisfy { (0...1).contains($0.x) && (0...1).contains($0.y) }
    }

    private static func scaled(_ figure: PoseFigure) -> PoseFigure {
        let (w, h) = (Double(figure.canvasWidth), Double(figure.canvasHeight))
        func scale(_ points: [PoseKeypoint?]?) -> [PoseKeypoint?]? {
            points?.map { $0.map { PoseKeypoint(x: $0.x * w, y: $0.y * h, score: $0.score) } }
        }
        var result = figure
        for i in result.people.indices {
            result.people[i].keypoints = scale(result.people[i].keypoints)!
            result.people[i].leftHand = scale(result.people[i].leftHand)
            result.people[i].rightHand = scale(result.people[i].rightHand)
            result.people[i].face = scale(result.people[i].face)
        }
        return result
    }
}
