"""ocr-client's test suite: a regular package, so a dependency's top-level ``tests`` package (pymultihash ships one) cannot shadow it."""
