import COpenCV
import EaselImage
import Foundation

/// The pose map: controlnet_aux's `draw_poses` with `util.draw_bodypose`, pixel for pixel (OpenCV's own
/// `ellipse2Poly`, `fillConvexPoly` and `circle` draw it, through the COpenCV shim).
///
/// On a black RGB canvas, each of the first 17 limbs whose two parts exist is a filled ellipse around the
/// segment (half-axes `length / 2` and 4, polygon step 1 degree) in 60% of its colour, then every part is a
/// filled radius-4 circle in full colour. Keypoints are normalised by the figure's canvas and scaled to the
/// map as controlnet_aux does (`x / W * W'`, truncated), so a figure drawn on a larger map scales with it.
/// Hands and faces a figure carries (from JSON) are drawn after its body (`HandFaceDrawing`).
public enum PoseDrawing {
    public static let stickWidth: Int32 = 4
    public static let jointRadius: Int32 = 4

    /// The pose map of `figure` on a `width` x `height` canvas (default: the figure's canvas).
    public static func draw(_ figure: PoseFigure, width: Int? = nil, height: Int? = nil) throws -> Image {
        let w = width ?? figure.canvasWidth, h = height ?? figure.canvasHeight
        var canvas = try Image(width: w, height: h, layout: .rgb)
        let (cw, ch) = (Double(figure.canvasWidth), Double(figure.canvasHeight))
        for person in figure.people {
            // controlnet_aux's keypoints are normalised (x / W, y / H) before drawing.
            func normalised(_ points: [PoseKeypoint?]) -> [(x: Double, y: Double)?] {
                points.map { $0.map { (x: $0.x / cw, y: $0.y / ch) } }
            }
            // draw_poses' order: body, left hand, right hand, face.
            try drawBody(normalised(person.keypoints), on: &canvas)
            if let hand = person.leftHand { try HandFaceDrawing.drawHand(normalised(hand), on: &canvas) }
            if let hand = person.rightHand { try HandFaceDrawing.drawHand(normalised(hand), on: &canvas) }
            if let face = person.face { try HandFaceDrawing.drawFace(normalised(face), on: &canvas) }
        }
        return canvas
    }

    /// `util.draw_bodypose(canvas, keypoints)` for normalised keypoints.
    static func drawBody(_ keypoints: [(x: Double, y: Double)?], on canvas: inout Image) throws {
        let W = Double(canvas.width), H = Double(canvas.height)
        for (limb, color) in zip(BodySkeleton.limbs.prefix(17), BodySkeleton.colors) {
            guard limb.0 - 1 < keypoints.count, limb.1 - 1 < keypoints.count,
                let k1 = keypoints[limb.0 - 1], let k2 = keypoints[limb.1 - 1]
            else { continue }
            // The reference's names: Y holds x coordinates, X holds y coordinates.
            let Y = (k1.x * W, k2.x * W), X = (k1.y * H, k2.y * H)
            let mX = (X.0 + X.1) / 2, mY = (Y.0 + Y.1) / 2
            let length = pow((X.0 - X.1) * (X.0 - X.1) + (Y.0 - Y.1) * (Y.0 - Y.1), 0.5)
            // math.degrees(x) is x * (180 / pi).
            let angle = atan2(X.0 - X.1, Y.0 - Y.1) * (180.0 / Double.pi)
            var points = [Int32](repeating: 0, count: 2 * 1024)
            var count: Int32 = 0
            let status = try points.withUnsafeMutableBufferPointer { buffer in
                easel_cv_ellipse2poly(
                    try int32(mY), try int32(mX), try int32(length / 2), stickWidth, try int32(angle), 0, 360, 1,
                    buffer.baseAddress, 1024, &count)
            }
            try check(status, "ellipse2Poly")
            let faded = [color.0, color.1, color.2].map { Double(Int(Double($0) * 0.6)) }
            try fill(&canvas) { image in easel_cv_fill_convex_poly(&image, points, count, faded) }
        }
        for (keypoint, color) in zip(keypoints, BodySkeleton.colors) {
            guard let keypoint else { continue }
            let x = try int32(keypoint.x * W), y = try int32(keypoint.y * H)
            let full = [Double(color.0), Double(color.1), Double(color.2)]
            try fill(&canvas) { image in easel_cv_circle(&image, x, y, jointRadius, full, -1) }
        }
    }

    /// Python's `int(v)` (truncation), refused outside a range where OpenCV's integer geometry is safe.
    static func int32(_ value: Double) throws -> Int32 {
        guard value.isFinite, abs(value) < 1_000_000 else {
            throw PoseError.drawingFailed("coordinate \(value) is out of range")
        }
        return Int32(value.rounded(.towardZero))
    }

    static func fill(_ canvas: inout Image, _ body: (inout easel_cv_image) -> Int32) throws {
        let status = canvas.withOpenCVImage { body(&$0) }
        try check(status, "drawing")
    }

    private static func check(_ status: Int32, _ what: String) throws {
        guard status == Int32(EASEL_CV_OK) else { throw PoseError.drawingFailed("\(what) returned \(status)") }
    }
}
