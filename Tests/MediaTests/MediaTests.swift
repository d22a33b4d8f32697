// Tests of the Media target.
