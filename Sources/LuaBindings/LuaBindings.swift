// The LuaBindings target (DESIGN.md §1). Its files arrive with the issue that builds it.
