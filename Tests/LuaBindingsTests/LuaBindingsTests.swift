// Tests of the LuaBindings target.
