print("annotate-samples: not built yet")
