// Tests of the Text target.
