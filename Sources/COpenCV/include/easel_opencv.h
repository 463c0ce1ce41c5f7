// A plain C API over the few OpenCV calls Easel uses, so Swift never sees OpenCV's C++ headers.
//
// Images are interleaved and tightly packed (row stride = width * channels * element size).
// Every function returns EASEL_CV_OK (0) on success or a negative status; on failure
// easel_cv_last_error() holds a message for the calling thread. Nothing throws across this boundary:
// each entry point catches cv::Exception, std::exception and anything else.
#ifndef EASEL_OPENCV_H
#define EASEL_OPENCV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes.
enum {
    EASEL_CV_OK = 0,
    /// An argument was out of range (sizes, channel counts, depths that do not agree).
    EASEL_CV_BAD_ARGUMENT = -1,
    /// cv::imdecode did not recognise or could not decode the bytes.
    EASEL_CV_DECODE_FAILED = -2,
    /// The decoded image has a sample format Easel does not read (e.g. floating point).
    EASEL_CV_UNSUPPORTED = -3,
    /// OpenCV raised an error (the message says which).
    EASEL_CV_FAILED = -4,
};

/// Element types (a subset of OpenCV's depths).
enum {
    EASEL_CV_8U = 0,
    EASEL_CV_32F = 1,
};

/// Interpolation codes: the values of OpenCV's cv::InterpolationFlags.
enum {
    EASEL_CV_INTER_NEAREST = 0,
    EASEL_CV_INTER_LINEAR = 1,
    EASEL_CV_INTER_CUBIC = 2,
    EASEL_CV_INTER_AREA = 3,
    EASEL_CV_INTER_LANCZOS4 = 4,
};

/// A view of caller-owned pixels (or, from easel_cv_decode, pixels to release with easel_cv_free).
typedef struct {
    void *data;
    int32_t width;
    int32_t height;
    /// 1 to 4.
    int32_t channels;
    /// EASEL_CV_8U or EASEL_CV_32F.
    int32_t depth;
} easel_cv_image;

/// The OpenCV version string the library was built against (e.g. "4.6.0").
const char *easel_cv_version(void);

/// The message of the last failure on the calling thread ("" if none).
const char *easel_cv_last_error(void);

/// Decodes an encoded image (JPEG, WebP, BMP, TIFF, PNG, ...) with cv::imdecode(IMREAD_UNCHANGED).
/// The result is 8-bit, channels 1 (gray), 3 (RGB) or 4 (RGBA): OpenCV's BGR(A) is swapped to RGB(A),
/// two-channel gray+alpha becomes RGBA, and 16-bit samples become 8-bit as round(v / 257).
/// EXIF orientation is not applied (as PIL's Image.open and controlnet_aux do not).
/// On success `out->data` is malloc'ed: release it with easel_cv_free.
int easel_cv_decode(const uint8_t *bytes, size_t count, easel_cv_image *out);

/// Releases memory returned by this API.
void easel_cv_free(void *pointer);

/// cv::resize(src, dst, dst size, 0, 0, interpolation). `dst` is caller-allocated with its width and
/// height set; its channels and depth must equal src's. Depths 8U (1, 3 or 4 channels) and 32F.
int easel_cv_resize(const easel_cv_image *src, easel_cv_image *dst, int32_t interpolation);

/// cv::Canny(src, dst, low, high, aperture, l2gradient). `src` is 8U with 1 or 3 channels (for three,
/// OpenCV takes at each pixel the channel with the largest gradient); `dst` is 8U, 1 channel, same size.
int easel_cv_canny(const easel_cv_image *src, easel_cv_image *dst, double low, double high,
                   int32_t aperture, int32_t l2gradient);

/// cv::GaussianBlur(src, dst, (kernel_width, kernel_height), sigma_x, sigma_y) with the default border
/// (BORDER_REFLECT_101), as cv2.GaussianBlur(x, (0, 0), sigma) is called. A kernel size of 0 lets OpenCV
/// derive it from sigma. `dst` has src's size, channels and depth.
int easel_cv_gaussian_blur(const easel_cv_image *src, easel_cv_image *dst, int32_t kernel_width,
                           int32_t kernel_height, double sigma_x, double sigma_y);

#ifdef __cplusplus
}
#endif

#endif
