// The C entry points declared in easel_opencv.h. Each one runs its OpenCV work inside `guarded`, which
// turns every C++ exception into a status code and a thread-local message.
#include "easel_opencv.h"
#include "easel_opencv_draw.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

thread_local std::string last_error;

int fail(int status, const std::string &message) {
    last_error = message;
    return status;
}

template <typename Body>
int guarded(const char *operation, Body body) noexcept {
    try {
        last_error.clear();
        return body();
    } catch (const cv::Exception &error) {
        return fail(EASEL_CV_FAILED, std::string(operation) + ": " + error.what());
    } catch (const std::exception &error) {
        return fail(EASEL_CV_FAILED, std::string(operation) + ": " + error.what());
    } catch (...) {
        return fail(EASEL_CV_FAILED, std::string(operation) + ": unknown error");
    }
}

int cv_type(const easel_cv_image *image) {
    int depth = image->depth == EASEL_CV_8U ? CV_8U : CV_32F;
    return CV_MAKETYPE(depth, image->channels);
}

bool valid(const easel_cv_image *image) {
    return image != nullptr && image->data != nullptr && image->width > 0 && image->height > 0 &&
           image->channels >= 1 && image->channels <= 4 &&
           (image->depth == EASEL_CV_8U || image->depth == EASEL_CV_32F);
}

/// The first `image->channels` values of `color` as a cv::Scalar (drawing colours).
cv::Scalar scalar(const easel_cv_image *image, const double *color) {
    cv::Scalar value(0, 0, 0, 0);
    for (int c = 0; c < image->channels; ++c) value[c] = color[c];
    return value;
}

/// A cv::Mat header over the caller's pixels (no copy).
cv::Mat wrap(const easel_cv_image *image) {
    return cv::Mat(image->height, image->width, cv_type(image), image->data);
}

/// Copies `mat` (8U, continuous after clone if needed) into malloc'ed memory owned by `out`.
int export_8u(const cv::Mat &mat, easel_cv_image *out) {
    cv::Mat packed = mat.isContinuous() ? mat : mat.clone();
    size_t bytes = packed.total() * packed.elemSize();
    void *data = std::malloc(bytes);
    if (data == nullptr) return fail(EASEL_CV_FAILED, "decode: out of memory");
    std::memcpy(data, packed.data, bytes);
    out->data = data;
    out->width = packed.cols;
    out->height = packed.rows;
    out->channels = packed.channels();
    out->depth = EASEL_CV_8U;
    return EASEL_CV_OK;
}

} // namespace

extern "C" const char *easel_cv_version(void) { return CV_VERSION; }

extern "C" const char *easel_cv_last_error(void) { return last_error.c_str(); }

extern "C" void easel_cv_free(void *pointer) { std::free(pointer); }

extern "C" int easel_cv_decode(const uint8_t *bytes, size_t count, easel_cv_image *out) {
    return guarded("decode", [&]() -> int {
        if (bytes == nullptr || count == 0 || out == nullptr) {
            return fail(EASEL_CV_BAD_ARGUMENT, "decode: no data");
        }
        if (count > static_cast<size_t>(INT32_MAX)) {
            return fail(EASEL_CV_BAD_ARGUMENT, "decode: data larger than 2 GiB");
        }
        *out = easel_cv_image{nullptr, 0, 0, 0, EASEL_CV_8U};
        cv::Mat encoded(1, static_cast<int>(count), CV_8U, const_cast<uint8_t *>(bytes));
        cv::Mat decoded = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
        if (decoded.empty()) {
            return fail(EASEL_CV_DECODE_FAILED, "decode: OpenCV could not decode the data");
        }
        if (decoded.depth() == CV_16U) {
            // round(v / 257) maps 65535 to 255 and is the exact inverse of the 8-to-16-bit expansion v * 257.
            cv::Mat narrowed;
            decoded.convertTo(narrowed, CV_8U, 1.0 / 257.0);
            decoded = narrowed;
        } else if (decoded.depth() != CV_8U) {
            return fail(EASEL_CV_UNSUPPORTED, "decode: only 8- and 16-bit integer samples are supported");
        }
        cv::Mat rgb;
        switch (decoded.channels()) {
        case 1:
            rgb = decoded;
            break;
        case 2: {
            // gray + alpha -> RGBA
            cv::Mat planes[2];
            cv::split(decoded, planes);
            cv::Mat rgba_planes[4] = {planes[0], planes[0], planes[0], planes[1]};
            cv::merge(rgba_planes, 4, rgb);
            break;
        }
        case 3:
            cv::cvtColor(decoded, rgb, cv::COLOR_BGR2RGB);
            break;
        case 4:
            cv::cvtColor(decoded, rgb, cv::COLOR_BGRA2RGBA);
            break;
        default:
            return fail(EASEL_CV_UNSUPPORTED, "decode: unsupported channel count " +
                                                  std::to_string(decoded.channels()));
        }
        return export_8u(rgb, out);
    });
}

extern "C" int easel_cv_resize(const easel_cv_image *src, easel_cv_image *dst, int32_t interpolation) {
    return guarded("resize", [&]() -> int {
        if (!valid(src) || !valid(dst) || src->channels != dst->channels || src->depth != dst->depth) {
            return fail(EASEL_CV_BAD_ARGUMENT, "resize: invalid or mismatched images");
        }
        if (interpolation < EASEL_CV_INTER_NEAREST || interpolation > EASEL_CV_INTER_LANCZOS4) {
            return fail(EASEL_CV_BAD_ARGUMENT, "resize: unknown interpolation " + std::to_string(interpolation));
        }
        cv::Mat source = wrap(src);
        cv::Mat target = wrap(dst);
        cv::resize(source, target, target.size(), 0, 0, interpolation);
        // cv::resize writes into `target`'s buffer only if size and type already match, which they do;
        // check anyway so a reallocation can never leave the caller's buffer unwritten.
        if (target.data != dst->data) return fail(EASEL_CV_FAILED, "resize: output was reallocated");
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_canny(const easel_cv_image *src, easel_cv_image *dst, double low, double high,
                              int32_t aperture, int32_t l2gradient) {
    return guarded("Canny", [&]() -> int {
        if (!valid(src) || !valid(dst) || src->depth != EASEL_CV_8U || dst->depth != EASEL_CV_8U ||
            (src->channels != 1 && src->channels != 3) || dst->channels != 1 ||
            src->width != dst->width || src->height != dst->height) {
            return fail(EASEL_CV_BAD_ARGUMENT, "Canny: needs 8-bit 1- or 3-channel input and a 1-channel output");
        }
        cv::Mat source = wrap(src);
        cv::Mat target = wrap(dst);
        cv::Canny(source, target, low, high, aperture, l2gradient != 0);
        if (target.data != dst->data) return fail(EASEL_CV_FAILED, "Canny: output was reallocated");
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_gaussian_blur(const easel_cv_image *src, easel_cv_image *dst, int32_t kernel_width,
                                      int32_t kernel_height, double sigma_x, double sigma_y) {
    return guarded("GaussianBlur", [&]() -> int {
        if (!valid(src) || !valid(dst) || src->channels != dst->channels || src->depth != dst->depth ||
            src->width != dst->width || src->height != dst->height) {
            return fail(EASEL_CV_BAD_ARGUMENT, "GaussianBlur: invalid or mismatched images");
        }
        cv::Mat source = wrap(src);
        cv::Mat target = wrap(dst);
        cv::GaussianBlur(source, target, cv::Size(kernel_width, kernel_height), sigma_x, sigma_y);
        if (target.data != dst->data) return fail(EASEL_CV_FAILED, "GaussianBlur: output was reallocated");
        return EASEL_CV_OK;
    });
}

// Drawing (easel_opencv_draw.h): the OpenPose maps.

extern "C" int easel_cv_ellipse2poly(int32_t center_x, int32_t center_y, int32_t axis_width, int32_t axis_height,
                                     int32_t angle, int32_t arc_start, int32_t arc_end, int32_t delta,
                                     int32_t *points, int32_t capacity, int32_t *count) {
    return guarded("ellipse2Poly", [&]() -> int {
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
    return guarded("fillConvexPoly", [&]() -> int {
        if (!valid(image) || image->depth != EASEL_CV_8U || points == nullptr || color == nullptr || count < 0) return EASEL_CV_BAD_ARGUMENT;
        std::vector<cv::Point> polygon(count);
        for (int32_t i = 0; i < count; ++i) polygon[i] = cv::Point(points[2 * i], points[2 * i + 1]);
        cv::Mat canvas = wrap(image);
        cv::fillConvexPoly(canvas, polygon, scalar(image, color));
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_circle(easel_cv_image *image, int32_t center_x, int32_t center_y, int32_t radius,
                               const double *color, int32_t thickness) {
    return guarded("circle", [&]() -> int {
        if (!valid(image) || image->depth != EASEL_CV_8U || color == nullptr || radius < 0) return EASEL_CV_BAD_ARGUMENT;
        cv::Mat canvas = wrap(image);
        cv::circle(canvas, cv::Point(center_x, center_y), radius, scalar(image, color), thickness);
        return EASEL_CV_OK;
    });
}

extern "C" int easel_cv_line(easel_cv_image *image, int32_t x1, int32_t y1, int32_t x2, int32_t y2,
                             const double *color, int32_t thickness) {
    return guarded("line", [&]() -> int {
        if (!valid(image) || image->depth != EASEL_CV_8U || color == nullptr || thickness <= 0) return EASEL_CV_BAD_ARGUMENT;
        cv::Mat canvas = wrap(image);
        cv::line(canvas, cv::Point(x1, y1), cv::Point(x2, y2), scalar(image, color), thickness);
        return EASEL_CV_OK;
    });
}
