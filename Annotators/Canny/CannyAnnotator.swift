/// Canny edge annotator (controlnet_aux CannyDetector).
