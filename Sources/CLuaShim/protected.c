/*
** Protected wrappers for API calls that may run metamethods and therefore raise
** (LUA.md 3.5). Each runs a tiny C function under lua_pcall and returns the status; on
** failure the error message is on the top of the stack instead of the result.
*/
#include "CLuaShim.h"

static int do_tolstring(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

static int do_gettable(lua_State *L) {
    lua_gettable(L, 1);
    return 1;
}

static int do_settable(lua_State *L) {
    lua_settable(L, 1);
    return 0;
}

static int do_len(lua_State *L) {
    lua_len(L, 1);
    return 1;
}

static int do_concat(lua_State *L) {
    lua_concat(L, lua_gettop(L));
    return 1;
}

static int do_compare(lua_State *L) {
    lua_pushboolean(L, lua_compare(L, 1, 2, (int)lua_tointeger(L, 3)));
    return 1;
}

static int do_arith(lua_State *L) {
    int op = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_arith(L, op);
    return 1;
}

/* Calls f with the `nargs` values on top, leaving one result (or the error message). */
static int protected_call(lua_State *L, lua_CFunction f, int nargs, int nresults) {
    if (!lua_checkstack(L, 2))
        return LUA_ERRMEM; /* nothing pushed; the caller reports it */
    lua_pushcfunction(L, f);
    lua_insert(L, -(nargs + 1));
    return lua_pcall(L, nargs, nresults, 0);
}

int ember_ptolstring(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 1))
        return LUA_ERRMEM;
    lua_pushvalue(L, idx);
    return protected_call(L, do_tolstring, 1, 1);
}

int ember_pgettable(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 1))
        return LUA_ERRMEM;
    lua_pushvalue(L, idx);
    lua_insert(L, -2); /* t, k */
    return protected_call(L, do_gettable, 2, 1);
}

int ember_psettable(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 1))
        return LUA_ERRMEM;
    lua_pushvalue(L, idx);
    lua_insert(L, -3); /* t, k, v */
    return protected_call(L, do_settable, 3, 0);
}

int ember_plen(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 1))
        return LUA_ERRMEM;
    lua_pushvalue(L, idx);
    return protected_call(L, do_len, 1, 1);
}

int ember_pconcat(lua_State *L, int n) {
    return protected_call(L, do_concat, n, 1);
}

int ember_pcompare(lua_State *L, int a, int b, int op, int *result) {
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    if (!lua_checkstack(L, 3))
        return LUA_ERRMEM;
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_pushinteger(L, op);
    int status = protected_call(L, do_compare, 3, 1);
    if (status == LUA_OK) {
        *result = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    return status;
}

int ember_parith(lua_State *L, int op) {
    int nargs = (op == LUA_OPUNM || op == LUA_OPBNOT) ? 1 : 2;
    if (!lua_checkstack(L, 1))
        return LUA_ERRMEM;
    lua_pushinteger(L, op);
    return protected_call(L, do_arith, nargs + 1, 1);
}
