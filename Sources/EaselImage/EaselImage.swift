/// EaselImage: 8-bit images (`Image`), float32 images for OpenCV ops (`FloatImage`), PNG/JPEG/WebP/BMP/TIFF
/// input, PNG output with text chunks, layout and float conversions, resizing (OpenCV's `cv::resize` and a
/// Pillow-exact resampler), the A1111 resize modes and the ControlNet image conventions (`HWC3`,
/// detect-resolution sizing).
///
/// Reference behaviour: OpenCV for decoding and `cv::resize`, Pillow for `Image.resize` and
/// `convert`, controlnet_aux `util.py` for `HWC3`/`resize_image`, AUTOMATIC1111 `images.resize_image`
/// (the same code as diffusers' `VaeImageProcessor` fill/crop modes) for the resize modes.
