// A plain C API over the few OpenCV calls Easel uses, so Swift never sees OpenCV's C++ headers.
// All images are 8-bit, interleaved, tightly packed (row stride = width * channels).
// Functions return 0 on success and a negative value on failure; none of them throws.
#ifndef EASEL_OPENCV_H
#define EASEL_OPENCV_H

#ifdef __cplusplus
extern "C" {
#endif

/// The OpenCV version string the library was built against (e.g. "4.6.0").
const char *easel_cv_version(void);

#ifdef __cplusplus
}
#endif

#endif
