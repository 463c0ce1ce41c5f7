#include "easel_opencv.h"

#include <opencv2/core.hpp>

extern "C" const char *easel_cv_version(void) { return CV_VERSION; }
