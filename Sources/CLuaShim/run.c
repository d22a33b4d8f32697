/*
** Running chunks: the garbage-collector controls Swift cannot call (lua_gc is variadic),
** the traceback message handler, warnings, and the capture of a cell's top-level locals.
*/
#include <string.h>
#include "CLuaShim.h"

extern ember_warn_fn ember_warn_swift; /* boundary.c */

/* {====== garbage collector ====== */
void ember_gc_generational(lua_State *L) { lua_gc(L, LUA_GCGEN, 0, 0); }
void ember_gc_stop(lua_State *L) { lua_gc(L, LUA_GCSTOP); }
void ember_gc_restart(lua_State *L) { lua_gc(L, LUA_GCRESTART); }
void ember_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }
void ember_gc_step(lua_State *L, int kb) { lua_gc(L, LUA_GCSTEP, kb); }

size_t ember_gc_bytes(lua_State *L) {
    return (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
}
/* }====== */

/*
** The message handler (lua.c's msghandler): a non-string error object is described by its
** __tostring or its type, then the traceback is appended.
*/
int ember_traceback(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* {====== warnings ====== */
/*
** Warning pieces are collected in a static buffer until the last piece
** arrives; "@on"/"@off" control messages switch delivery (on by default: an error inside
** a __gc metamethod arrives as a warning and should be seen).
*/
static int warnings_on = 1;
static char warn_buffer[1024];
static size_t warn_length;

static void warnf(void *owner, const char *message, int tocont) {
    if (warn_length == 0 && !tocont && message[0] == '@') {
        if (strcmp(message, "@on") == 0) warnings_on = 1;
        else if (strcmp(message, "@off") == 0) warnings_on = 0;
        return;
    }
    size_t n = strlen(message);
    size_t room = sizeof(warn_buffer) - 1 - warn_length;
    memcpy(warn_buffer + warn_length, message, n < room ? n : room);
    warn_length += n < room ? n : room;
    if (!tocont) {
        warn_buffer[warn_length] = '\0';
        if (warnings_on && ember_warn_swift != NULL)
            ember_warn_swift(owner, warn_buffer);
        warn_length = 0;
    }
}

void ember_route_warnings(lua_State *L, void *owner) { lua_setwarnf(L, warnf, owner); }
/* }====== */

/*
** Called as the last statement of a cell: copies the locals active in the calling chunk
** (level 1) into the globals. Names starting with '(' are the compiler's temporaries.
*/
int ember_capture_locals(lua_State *L) {
    lua_Debug ar;
    if (!lua_getstack(L, 1, &ar))
        return 0;
    for (int n = 1;; n++) {
        const char *name = lua_getlocal(L, &ar, n);
        if (name == NULL)
            break;
        if (name[0] == '(' || strcmp(name, "_ENV") == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_setglobal(L, name);
    }
    return 0;
}
