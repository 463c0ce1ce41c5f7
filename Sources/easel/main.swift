print("easel: not built yet")
