// Tests of the TensorCore target.
