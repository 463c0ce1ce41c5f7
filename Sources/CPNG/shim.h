// libpng 1.6. The include path comes from `pkg-config libpng`.
#include <png.h>
