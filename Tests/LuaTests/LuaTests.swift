// Tests of the Lua target.
