// Tests of the Notebook target.
