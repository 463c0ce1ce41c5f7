// The drawing entry points declared in easel_opencv_draw.h. Like easel_opencv.cpp, nothing throws across
// the boundary: every C++ exception becomes EASEL_CV_FAILED (the inputs are built by Easel itself, so a
// failure here is a bug, reported without OpenCV's message).
#include "easel_opencv_draw.h"

#include <exception>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace {

bool valid_8u(const easel_cv_image *image) {
    return image != nullptr && image->data != nullptr && image->width > 0 && image->height > 0 &&
           image->channels >= 1 && image->channels <= 4 && image->depth == EASEL_CV_8U;
}

cv::Mat wrap_8u(easel_cv_image *image) {
    return cv::Mat(image->height, image->width, CV_MAKETYPE(CV_8U, image->channels), image->data);
}

cv::Scalar scalar(const easel_cv_image *image, const double *color) {
    cv::Scalar value(0, 0, 0, 0);
    for (int c = 0; c < image->channels; ++c) value[c] = color[c];
    return value;
}

template <typename Body>
int guarded_draw(Body body) noexcept {
    try {
        return body();
    } catch (...) {
        return EASEL_CV_FAILED;
    }
}

}  // namespace

extern "C" int easel_cv_ellipse2poly(int32_t center_x, int32_t center_y, int32_t axis_width, int32_t axis_height,
                                     int32_t angle, int32_t arc_start, int32_t arc_end, int32_t delta,
                                     int32_t *points, int32_t capacity, int32_t *count) {
    return guarded_draw([&]() -> int {
        if (points == nullptr || count == nullptr || capacity < 0) return EASEL_CV_BAD_ARGUMENT;
        std::vector<cv::Point> polygon;
        cv::ellipse2Poly(cv::Point(center_x, center_y), cv::Size(axis_width, axis_height), angle, arc_start,
                         arc_end, delta, polygon);
        if (polygon.size() > static_cast<size_t>(capacity)) return EASEL_CV_BAD_ARGUMENT;
        for (size_t i = 0; i < polygon.size(); ++i) {
            points[2 * i] = polygon[i].x;
            points[2 * i + 1] = polygon[i].y;
        }
        *count = static_cast<int32_t>(polygon.size());
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_fill_convex_poly(easel_cv_image *image, const int32_t *points, int32_t count,
                                         const double *color) {
    return guarded_draw([&]() -> int {
        if (!valid_8u(image) || points == nullptr || color == nullptr || count < 0) return EASEL_CV_BAD_ARGUMENT;
        std::vector<cv::Point> polygon(count);
        for (int32_t i = 0; i < count; ++i) polygon[i] = cv::Point(points[2 * i], points[2 * i + 1]);
        cv::Mat canvas = wrap_8u(image);
        cv::fillConvexPoly(canvas, polygon, scalar(image, color));
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_circle(easel_cv_image *image, int32_t center_x, int32_t center_y, int32_t radius,
                               const double *color, int32_t thickness) {
    return guarded_draw([&]() -> int {
        if (!valid_8u(image) || color == nullptr || radius < 0) return EASEL_CV_BAD_ARGUMENT;
        cv::Mat canvas = wrap_8u(image);
        cv::circle(canvas, cv::Point(center_x, center_y), radius, scalar(image, color), thickness);
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_line(easel_cv_image *image, int32_t x1, int32_t y1, int32_t x2, int32_t y2,
                             const double *color, int32_t thickness) {
    return guarded_draw([&]() -> int {
        if (!valid_8u(image) || color == nullptr || thickness <= 0) return EASEL_CV_BAD_ARGUMENT;
        cv::Mat canvas = wrap_8u(image);
        cv::line(canvas, cv::Point(x1, y1), cv::Point(x2, y2), scalar(image, color), thickness);
        return EASEL_CV_OK;
    });
}
