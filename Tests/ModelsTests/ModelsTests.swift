// Tests of the Models target.
