import COpenCV
import EaselImage

/// Hands and faces on the pose map: controlnet_aux's `util.draw_handpose` and `util.draw_facepose`, pixel
/// for pixel, for hands and faces given in pose JSON (Easel detects bodies only).
///
/// A hand is 20 bones (2 px lines in the colours of matplotlib's `hsv_to_rgb([i / 20, 1, 1]) * 255`) and 21
/// red joints of radius 4; a face is 3 px white dots. As in controlnet_aux, a point whose truncated pixel
/// coordinate is not above 0.01 (x or y is 0) is not drawn; absent points (confidence < 1) are skipped.
enum HandFaceDrawing {
    static let eps = 0.01
    /// `edges` of `draw_handpose`.
    static let handEdges: [(Int, Int)] = [
        (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (0, 9), (9, 10), (10, 11), (11, 12),
        (0, 13), (13, 14), (14, 15), (15, 16), (0, 17), (17, 18), (18, 19), (19, 20),
    ]

    /// `draw_handpose(canvas, keypoints)` for normalised keypoints.
    static func drawHand(_ keypoints: [(x: Double, y: Double)?], on canvas: inout Image) throws {
        guard !keypoints.isEmpty else { return }
        let W = Double(canvas.width), H = Double(canvas.height)
        for (index, (e1, e2)) in handEdges.enumerated() {
            guard e1 < keypoints.count, e2 < keypoints.count, let k1 = keypoints[e1], let k2 = keypoints[e2] else { continue }
            let x1 = try PoseDrawing.int32(k1.x * W), y1 = try PoseDrawing.int32(k1.y * H)
            let x2 = try PoseDrawing.int32(k2.x * W), y2 = try PoseDrawing.int32(k2.y * H)
            guard Double(x1) > eps, Double(y1) > eps, Double(x2) > eps, Double(y2) > eps else { continue }
            let color = hsvToRGB(hue: Double(index) / Double(handEdges.count)).map { $0 * 255 }
            try PoseDrawing.fill(&canvas) { image in easel_cv_line(&image, x1, y1, x2, y2, color, 2) }
        }
        for keypoint in keypoints {
            guard let keypoint else { continue }
            let x = try PoseDrawing.int32(keypoint.x * W), y = try PoseDrawing.int32(keypoint.y * H)
            guard Double(x) > eps, Double(y) > eps else { continue }
            try PoseDrawing.fill(&canvas) { image in easel_cv_circle(&image, x, y, 4, [0, 0, 255], -1) }
        }
    }

    /// `draw_facepose(canvas, keypoints)` for normalised keypoints.
    static func drawFace(_ keypoints: [(x: Double, y: Double)?], on canvas: inout Image) throws {
        let W = Double(canvas.width), H = Double(canvas.height)
        for keypoint in keypoints {
            guard let keypoint else { continue }
            let x = try PoseDrawing.int32(keypoint.x * W), y = try PoseDrawing.int32(keypoint.y * H)
            guard Double(x) > eps, Double(y) > eps else { continue }
            try PoseDrawing.fill(&canvas) { image in easel_cv_circle(&image, x, y, 3, [255, 255, 255], -1) }
        }
    }

    /// matplotlib's `colors.hsv_to_rgb([hue, 1, 1])`, in its float64 steps (OpenCV then rounds `* 255` half to even).
    static func hsvToRGB(hue h: Double) -> [Double] {
        let (s, v) = (1.0, 1.0)
        let i = Int(h * 6.0)
        let f = h * 6.0 - Double(i)
        let p = v * (1.0 - s), q = v * (1.0 - s * f), t = v * (1.0 - s * (1.0 - f))
        switch i % 6 {
        case 0: return [v, t, p]
        case 1: return [q, v, p]
        case 2: return [p, v, t]
        case 3: return [p, q, v]
        case 4: return [t, p, v]
        default: return [v, p, q]
        }
    }
}
