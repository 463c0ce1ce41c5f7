// OpenCV's drawing calls that controlnet_aux's pose renderer uses (cv2.ellipse2Poly, cv2.fillConvexPoly,
// cv2.circle, cv2.line), behind a C API, so pose maps equal controlnet_aux's pixel for pixel. Kept apart from
// easel_opencv.h: only the annotators draw. Same conventions: 8-bit interleaved images, EASEL_CV_* status codes.
#ifndef EASEL_OPENCV_DRAW_H
#define EASEL_OPENCV_DRAW_H

#include <stdint.h>

#include "easel_opencv.h"

#ifdef __cplusplus
extern "C" {
#endif

/// cv::ellipse2Poly(center, axes, angle, arc_start, arc_end, delta, pts): the polygon OpenCV draws an
/// ellipse with. Writes up to `capacity` (x, y) pairs to `points` (2 * capacity ints) and their number to
/// `count`; EASEL_CV_BAD_ARGUMENT when more would be needed (360 / delta + 2 always suffices).
int easel_cv_ellipse2poly(int32_t center_x, int32_t center_y, int32_t axis_width, int32_t axis_height,
                          int32_t angle, int32_t arc_start, int32_t arc_end, int32_t delta, int32_t *points,
                          int32_t capacity, int32_t *count);

/// cv::fillConvexPoly(image, points, color) with the defaults (LINE_8, shift 0) on an 8-bit image of
/// 1 to 4 channels; `color` holds one value per channel, in the image's channel order.
int easel_cv_fill_convex_poly(easel_cv_image *image, const int32_t *points, int32_t count, const double *color);

/// cv::circle(image, center, radius, color, thickness) (LINE_8, shift 0); thickness -1 fills it.
int easel_cv_circle(easel_cv_image *image, int32_t center_x, int32_t center_y, int32_t radius, const double *color,
                    int32_t thickness);

/// cv::line(image, (x1, y1), (x2, y2), color, thickness) (LINE_8, shift 0).
int easel_cv_line(easel_cv_image *image, int32_t x1, int32_t y1, int32_t x2, int32_t y2, const double *color,
                  int32_t thickness);

#ifdef __cplusplus
}
#endif

#endif
