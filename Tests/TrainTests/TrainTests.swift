// Tests of the Train target.
