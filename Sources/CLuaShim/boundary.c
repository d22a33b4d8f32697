/*
** The Swift boundary: the trampoline that enters Swift functions and raises their errors
** after they have returned, and the userdata that carries retained Swift objects.
*/
#include <string.h>
#include "CLuaShim.h"

static ember_dispatch_fn dispatch_swift;
static ember_release_fn release_swift;
ember_warn_fn ember_warn_swift; /* used by run.c */

void ember_set_callbacks(ember_dispatch_fn dispatch, ember_release_fn release, ember_warn_fn warn) {
    dispatch_swift = dispatch;
    release_swift = release;
    ember_warn_swift = warn;
}

/* {====== raising what Swift reported ====== */

int ember_raise_interrupt(lua_State *L); /* interrupt.c */

/* Stack: ..., argument index, message. Formats as luaL_argerror does, with Swift's name. */
static int raise_argument(lua_State *L, const char *name) {
    int arg = (int)lua_tointeger(L, -2);
    const char *msg = lua_tostring(L, -1);
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.namewhat != NULL &&
        strcmp(ar.namewhat, "method") == 0) {
        arg--; /* called as obj:name(...): do not count self */
        if (arg == 0)
            return luaL_error(L, "calling '%s' on bad self (%s)", name, msg);
    }
    return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, name, msg);
}

static int raise_status(lua_State *L, int status, const char *name) {
    switch (status) {
    case EMBER_RAISE_ARGUMENT:
        return raise_argument(L, name);
    case EMBER_RAISE_VALUE:
        return lua_error(L);
    case EMBER_RAISE_INTERRUPT:
        return ember_raise_interrupt(L);
    default: /* EMBER_RAISE_MESSAGE: prefix the Lua caller's position, as luaL_error does */
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
}
/* }====== */

/* {====== Swift functions ====== */

#define FUNCTION_BOX "ember.FunctionBox"

/* Upvalue 1: the box holder (userdata with a finalizer); upvalue 2: the function's name. */
static int trampoline(lua_State *L) {
    void **holder = (void **)lua_touserdata(L, lua_upvalueindex(1));
    int n = dispatch_swift(L, *holder);
    if (n >= 0)
        return n;
    return raise_status(L, n, lua_tostring(L, lua_upvalueindex(2)));
}

static int release_box(lua_State *L) {
    void **holder = (void **)lua_touserdata(L, 1);
    if (holder != NULL && *holder != NULL) {
        release_swift(*holder);
        *holder = NULL;
    }
    return 0;
}

void ember_push_function(lua_State *L, void *box, const char *name) {
    void **holder = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *holder = box;
    if (luaL_newmetatable(L, FUNCTION_BOX)) {
        lua_pushcfunction(L, release_box);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0); /* hide the holder's metatable from getmetatable */
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    lua_pushstring(L, name);
    lua_pushcclosure(L, trampoline, 2);
}
/* }====== */

/* {====== Swift objects as userdata ====== */

void ember_push_object(lua_State *L, void *object, const char *tname) {
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 1);
    *slot = object;
    luaL_setmetatable(L, tname);
}

void **ember_object_slot(lua_State *L, int idx, const char *tname) {
    return (void **)luaL_testudata(L, idx, tname);
}

void ember_release_slot(lua_State *L, int idx, const char *tname) {
    void **slot = ember_object_slot(L, idx, tname);
    if (slot != NULL && *slot != NULL) {
        void *object = *slot;
        *slot = NULL; /* cleared first: a closed object can never be reached again */
        release_swift(object);
    }
}

/* __gc: upvalue 1 is the type name, so the finalizer only ever releases its own type. */
static int finalize_object(lua_State *L) {
    ember_release_slot(L, 1, lua_tostring(L, lua_upvalueindex(1)));
    return 0;
}

void ember_new_type_metatable(lua_State *L, const char *tname) {
    luaL_newmetatable(L, tname); /* also sets __name */
    lua_pushstring(L, tname);
    lua_pushcclosure(L, finalize_object, 1);
    lua_setfield(L, -2, "__gc");
}
/* }====== */
