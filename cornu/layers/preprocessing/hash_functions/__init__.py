"""TensorFlow's string hashes on the host (FarmHash Fingerprint64, FingerprintCat64, SipHash-2-4),
shared by the lookup and hashing layers so a value lands in the same bucket as in Keras."""
