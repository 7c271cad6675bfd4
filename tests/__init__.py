"""ocr-client's test suite, a regular package so that a dependency's top-level ``tests`` package
(pymultihash, installed with the ape extra, ships one) cannot shadow it."""
